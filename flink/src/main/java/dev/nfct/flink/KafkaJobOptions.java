package dev.nfct.flink;

import dev.nfct.flink.format.RegistrySettings;
import dev.nfct.flink.format.ValueFormat;
import dev.nfct.flink.format.WireFormat;
import dev.nfct.flink.io.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Where the job reads and writes, as Flink options: set them in the cluster's configuration (the
 * Kubernetes operator's {@code flinkConfiguration}), as arguments of the job's jar under Flink
 * ({@code --conntrack.kafka.bootstrap-servers kafka:9092}), or through the {@code run} command's
 * flags, which map onto them. Kafka client settings go under {@value #KAFKA_PROPERTIES_PREFIX}
 * and registry serde settings under {@value #REGISTRY_PROPERTIES_PREFIX}.
 */
public final class KafkaJobOptions {
    private KafkaJobOptions() {}

    /** Any Kafka client setting, e.g. {@code conntrack.kafka.properties.security.protocol: SASL_SSL}. */
    public static final String KAFKA_PROPERTIES_PREFIX = "conntrack.kafka.properties.";
    /** Any Apicurio serde setting, e.g. {@code conntrack.registry.properties.apicurio.registry.auth.username}. */
    public static final String REGISTRY_PROPERTIES_PREFIX = "conntrack.registry.properties.";

    /** Where a new consumer group starts reading the packet topic. */
    public enum StartingOffsets {
        /** The group's committed offsets; the earliest where it has none. */
        COMMITTED,
        /** The earliest offsets, whatever the group committed. */
        EARLIEST
    }

    /** How a registry id is framed in front of the Avro body. */
    public enum RegistryFraming {
        /** {@code 00} + 4-byte content id: Confluent's framing, and Apicurio 3's default. */
        CONFLUENT,
        /** {@code 00} + 8-byte global id: the framing of Apicurio 2.x serdes. */
        APICURIO
    }

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("conntrack.kafka.bootstrap-servers")
            .stringType()
            .noDefaultValue()
            .withDescription("The Kafka cluster to read packets from and write flow events, the table and dead "
                    + "letters to (HOST:PORT[,HOST:PORT...]). Required.");

    public static final ConfigOption<String> TOPIC_PREFIX = ConfigOptions.key("conntrack.kafka.topic-prefix")
            .stringType()
            .defaultValue("")
            .withDescription("Put in front of the four topic names as it is: conntrack.packets, "
                    + "conntrack.flow-events, conntrack.table (compacted) and conntrack.dead-letters.");

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("conntrack.kafka.group-id")
            .stringType()
            .defaultValue("nfct-conntrack")
            .withDescription("Consumer group of the packet source.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key(
                    "conntrack.kafka.transactional-id-prefix")
            .stringType()
            .noDefaultValue()
            .withDescription("Prefix of the sinks' transactional ids (default: the group id). Two jobs writing to "
                    + "one Kafka cluster need different prefixes.");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = ConfigOptions.key(
                    "conntrack.kafka.starting-offsets")
            .enumType(StartingOffsets.class)
            .defaultValue(StartingOffsets.COMMITTED)
            .withDescription("Where the packet source starts when the job starts without state: COMMITTED (the "
                    + "group's offsets, else the earliest) or EARLIEST. A restore from a checkpoint or savepoint "
                    + "always continues from the offsets in it.");

    public static final ConfigOption<Boolean> BOUNDED = ConfigOptions.key("conntrack.kafka.bounded")
            .booleanType()
            .defaultValue(false)
            .withDescription("Read only what the packet topic holds when the job starts, then finish.");

    public static final ConfigOption<Boolean> COMMIT_OFFSETS = ConfigOptions.key("conntrack.kafka.commit-offsets")
            .booleanType()
            .defaultValue(true)
            .withDescription("Commit the source's offsets to the consumer group at checkpoints (for monitoring "
                    + "lag, and for starting without state at COMMITTED).");

    public static final ConfigOption<WireFormat> FORMAT = ConfigOptions.key("conntrack.format")
            .enumType(WireFormat.class)
            .defaultValue(WireFormat.SINGLE_OBJECT)
            .withDescription("How values are framed on every topic: SINGLE_OBJECT (Avro single-object encoding, "
                    + "no registry) or REGISTRY (a schema registry's id in front of the Avro body).");

    public static final ConfigOption<String> REGISTRY_URL = ConfigOptions.key("conntrack.registry.url")
            .stringType()
            .noDefaultValue()
            .withDescription("With conntrack.format REGISTRY: the registry's Core API URL, e.g. "
                    + "http://registry:8080/apis/registry/v3.");

    public static final ConfigOption<RegistryFraming> REGISTRY_FRAMING = ConfigOptions.key("conntrack.registry.framing")
            .enumType(RegistryFraming.class)
            .defaultValue(RegistryFraming.CONFLUENT)
            .withDescription("With conntrack.format REGISTRY: CONFLUENT (00 + 4-byte content id) or APICURIO "
                    + "(00 + 8-byte global id).");

    public static final ConfigOption<Boolean> REGISTRY_AUTO_REGISTER = ConfigOptions.key(
                    "conntrack.registry.auto-register")
            .booleanType()
            .defaultValue(true)
            .withDescription("With conntrack.format REGISTRY: the sinks register their schemas on first use.");

    /** Every option of this class, in the order the documentation lists them. */
    public static final List<ConfigOption<?>> ALL = List.of(
            BOOTSTRAP_SERVERS,
            TOPIC_PREFIX,
            GROUP_ID,
            TRANSACTIONAL_ID_PREFIX,
            STARTING_OFFSETS,
            BOUNDED,
            COMMIT_OFFSETS,
            FORMAT,
            REGISTRY_URL,
            REGISTRY_FRAMING,
            REGISTRY_AUTO_REGISTER);

    /** The bootstrap servers; an error that names the option when they are not set. */
    public static String bootstrapServers(ReadableConfig config) {
        return config.getOptional(BOOTSTRAP_SERVERS)
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(
                        BOOTSTRAP_SERVERS.key() + " is not set: the job needs a Kafka cluster"));
    }

    /** The four topics, with the configured prefix. */
    public static Topics topics(ReadableConfig config) {
        return Topics.defaults().withPrefix(config.get(TOPIC_PREFIX));
    }

    public static String transactionalIdPrefix(ReadableConfig config) {
        return config.getOptional(TRANSACTIONAL_ID_PREFIX).orElse(config.get(GROUP_ID));
    }

    /** The Kafka client settings under {@value #KAFKA_PROPERTIES_PREFIX}. */
    public static Properties kafkaProperties(ReadableConfig config) {
        Properties p = new Properties();
        p.putAll(withPrefix(config, KAFKA_PROPERTIES_PREFIX));
        return p;
    }

    /**
     * The value format the options describe; an {@link IllegalArgumentException} when they do not
     * fit together (registry settings without the registry format, a registry without a URL).
     */
    public static ValueFormat valueFormat(ReadableConfig config) {
        Map<String, String> serde = withPrefix(config, REGISTRY_PROPERTIES_PREFIX);
        if (config.get(FORMAT) != WireFormat.REGISTRY) {
            boolean registrySet = config.getOptional(REGISTRY_URL).isPresent()
                    || config.getOptional(REGISTRY_FRAMING).isPresent()
                    || config.getOptional(REGISTRY_AUTO_REGISTER).isPresent()
                    || !serde.isEmpty();
            if (registrySet) {
                throw new IllegalArgumentException("conntrack.registry.* is set but " + FORMAT.key() + " is "
                        + config.get(FORMAT) + "; set it to REGISTRY to use a schema registry");
            }
            return ValueFormat.singleObject();
        }
        return ValueFormat.registry(new RegistrySettings(
                config.getOptional(REGISTRY_URL).orElse(null),
                config.get(REGISTRY_FRAMING) == RegistryFraming.CONFLUENT,
                config.get(REGISTRY_AUTO_REGISTER),
                serde));
    }

    /**
     * Checks every option of the job now, so that a wrong value is an error at submission rather
     * than a failing job: these, and the conntrack operator's.
     */
    public static void validate(ReadableConfig config) {
        rejectUnknownKeys(config);
        bootstrapServers(config);
        topics(config);
        valueFormat(config);
        for (ConfigOption<?> o : ALL) {
            config.getOptional(o); // a value of the wrong type throws here
        }
        for (ConfigOption<?> o : dev.nfct.flink.operator.ConntrackOptions.OPERATOR) {
            config.getOptional(o);
        }
        dev.nfct.flink.operator.ConntrackOptions.settings(config);
    }

    /**
     * Every {@code conntrack.*} key must be one of the job's options (or under one of the two
     * pass-through prefixes): a misspelt sysctl would otherwise be ignored without a word.
     */
    private static void rejectUnknownKeys(ReadableConfig config) {
        java.util.Set<String> known = new java.util.HashSet<>();
        ALL.forEach(o -> known.add(o.key()));
        dev.nfct.flink.operator.ConntrackOptions.OPERATOR.forEach(o -> known.add(o.key()));
        dev.nfct.flink.operator.ConntrackOptions.SYSCTLS.values().forEach(o -> known.add(o.key()));
        for (String key : config.toMap().keySet()) {
            if (key.startsWith("conntrack.")
                    && !known.contains(key)
                    && !key.startsWith(KAFKA_PROPERTIES_PREFIX)
                    && !key.startsWith(REGISTRY_PROPERTIES_PREFIX)) {
                String sysctl = key.substring("conntrack.".length());
                if (dev.nfct.core.Settings.NOT_IMPLEMENTED.contains(sysctl)) {
                    new dev.nfct.core.Settings().set(sysctl, "0"); // throws: says it is not implemented
                }
                throw new IllegalArgumentException("unknown option " + key + " (the options are listed in "
                        + "docs/CONFIGURATION.md; a conntrack sysctl is conntrack.<its name>, e.g. "
                        + "conntrack.nf_conntrack_tcp_loose)");
            }
        }
    }

    private static Map<String, String> withPrefix(ReadableConfig config, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        config.toMap().forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
