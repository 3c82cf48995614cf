package dev.nfct.flink.format;

import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.Default4ByteIdHandler;
import io.apicurio.registry.serde.Legacy8ByteIdHandler;
import io.apicurio.registry.serde.avro.strategy.TopicRecordIdStrategy;
import io.apicurio.registry.serde.config.IdOption;
import io.apicurio.registry.serde.config.KafkaSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which schema registry, and how its ids are framed, for {@link WireFormat#REGISTRY}. Turned into
 * the configuration map of Apicurio's serdes ({@code apicurio.registry.*} keys) by
 * {@link #serdeConfig()}; only strings travel with the job graph.
 *
 * <p>Two framings, both {@code 00} + id + Avro binary body, with the id in the value (never in
 * Kafka headers, so a dead letter, which keeps only key and value, keeps the id too):
 * <ul>
 *   <li>Confluent-compatible (the default): a 4-byte big-endian <em>content id</em>. This is
 *       Confluent's wire format, and Apicurio 3's own default; Apicurio's Confluent-compatible API
 *       ({@code /apis/ccompat/v7}) serves content ids as Confluent schema ids, so Confluent
 *       serdes pointed at it read and write the same records.</li>
 *   <li>Apicurio (legacy): an 8-byte big-endian <em>global id</em>, the framing of Apicurio 2.x
 *       serdes (and of 3.x ones configured with {@code Legacy8ByteIdHandler} + {@code globalId}).</li>
 * </ul>
 */
public final class RegistrySettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Keys that have their own setting here; {@link #extra} may not set them. */
    static final Set<String> OWN_KEYS = Set.of(
            SchemaResolverConfig.REGISTRY_URL,
            SchemaResolverConfig.AUTO_REGISTER_ARTIFACT,
            SerdeConfig.ID_HANDLER,
            SerdeConfig.USE_ID,
            KafkaSerdeConfig.ENABLE_HEADERS);

    private final String url;
    private final boolean confluentCompatible;
    private final boolean autoRegister;
    private final TreeMap<String, String> extra;

    /**
     * @param url                 the registry's Core API, e.g. {@code http://registry:8080/apis/registry/v3}
     *                            ({@code .../apis/registry/v2} for a 2.x registry)
     * @param confluentCompatible 4-byte content ids (true) or Apicurio's 8-byte global ids (false)
     * @param autoRegister        the sinks register their writer schema on first use; otherwise it
     *                            must already be registered (same content) under its artifact
     * @param extra               more {@code apicurio.registry.*} settings: auth, TLS, another
     *                            artifact resolver strategy, retries...
     */
    public RegistrySettings(String url, boolean confluentCompatible, boolean autoRegister, Map<String, String> extra) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the schema registry needs a URL");
        }
        this.url = url.trim();
        this.confluentCompatible = confluentCompatible;
        this.autoRegister = autoRegister;
        this.extra = new TreeMap<>(extra == null ? Map.of() : extra);
        for (String k : this.extra.keySet()) {
            if (OWN_KEYS.contains(k)) {
                throw new IllegalArgumentException(k + " has its own option (registry URL, format, auto-register)");
            }
        }
    }

    public String url() {
        return url;
    }

    public boolean confluentCompatible() {
        return confluentCompatible;
    }

    public boolean autoRegister() {
        return autoRegister;
    }

    public Map<String, String> extra() {
        return java.util.Collections.unmodifiableMap(extra);
    }

    /** Bytes of the id after the magic byte: 4 (content id) or 8 (global id). */
    public int idSize() {
        return confluentCompatible ? 4 : 8;
    }

    /** Which id is written: {@code contentId} (Confluent-compatible) or {@code globalId}. */
    public IdOption idOption() {
        return confluentCompatible ? IdOption.contentId : IdOption.globalId;
    }

    /**
     * The configuration of Apicurio's Kafka serdes (value side) for these settings: the registry URL,
     * the id framing ({@code Default4ByteIdHandler} + {@code contentId}, or
     * {@code Legacy8ByteIdHandler} + {@code globalId}), headers off (the id goes in the value),
     * auto-registration, the {@code TopicRecordIdStrategy} (artifact {@code <topic>-<RecordName>}
     * in group {@code <record namespace>}) and dereferenced schemas (one self-contained schema per
     * artifact, no separate artifacts for nested types), then {@link #extra}, which may replace the
     * last two.
     */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(SerdeConfig.ARTIFACT_RESOLVER_STRATEGY, TopicRecordIdStrategy.class.getName());
        c.put(SchemaResolverConfig.DEREFERENCE_SCHEMA, "true");
        c.putAll(extra);
        c.put(SchemaResolverConfig.REGISTRY_URL, url);
        c.put(SchemaResolverConfig.AUTO_REGISTER_ARTIFACT, String.valueOf(autoRegister));
        c.put(
                SerdeConfig.ID_HANDLER,
                (confluentCompatible ? Default4ByteIdHandler.class : Legacy8ByteIdHandler.class).getName());
        c.put(SerdeConfig.USE_ID, idOption().name());
        c.put(KafkaSerdeConfig.ENABLE_HEADERS, "false");
        return c;
    }

    /** For logs and usage errors: never prints {@link #extra} values (they may hold secrets). */
    @Override
    public String toString() {
        return "registry " + url + " ("
                + (confluentCompatible ? "confluent: 00 + 4-byte content id" : "apicurio: 00 + 8-byte global id")
                + (autoRegister ? ", auto-register" : "") + (extra.isEmpty() ? "" : ", extra " + extra.keySet()) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegistrySettings r
                && url.equals(r.url)
                && confluentCompatible == r.confluentCompatible
                && autoRegister == r.autoRegister
                && extra.equals(r.extra);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, confluentCompatible, autoRegister, extra);
    }
}
