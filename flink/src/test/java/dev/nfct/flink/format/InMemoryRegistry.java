package dev.nfct.flink.format;

import com.microsoft.kiota.ApiException;
import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.client.RegistryArtifactReference;
import io.apicurio.registry.resolver.client.RegistryClientFacade;
import io.apicurio.registry.resolver.client.RegistryVersionCoordinates;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry in a map, behind Apicurio's client interface ({@link RegistryClientFacade}), so that
 * Apicurio's real serdes and resolver run without a registry server. Not HTTP: what happens on the
 * wire between the client and a real registry is not covered by it (see the container test).
 *
 * <p>Ids are numbered like a real registry's, but content ids start at 1 and global ids at 1001 so a
 * test can tell which one was written. An unknown id answers like the registry, a 404
 * {@link ApiException}. {@link #SHARED} is what {@link Resolver} (named in the serde config as
 * {@code apicurio.registry.schema-resolver}) talks to, also from inside a Flink MiniCluster.
 */
public final class InMemoryRegistry implements RegistryClientFacade {
    public static final InMemoryRegistry SHARED = new InMemoryRegistry();

    /** A {@link DefaultSchemaResolver} talking to {@link #SHARED}. */
    public static final class Resolver<S, T> extends DefaultSchemaResolver<S, T> {
        public Resolver() {
            super(SHARED);
        }
    }

    /** The serde setting that makes our encoders and decoders use {@link #SHARED}. */
    public static Map<String, String> resolverSetting() {
        return Map.of(SerdeConfig.SCHEMA_RESOLVER, Resolver.class.getName());
    }

    public record Version(String groupId, String artifactId, int version, long globalId, long contentId) {}

    private final Map<Long, String> contentById = new HashMap<>();
    private final Map<String, Long> idByContent = new HashMap<>();
    private final Map<Long, Version> byGlobalId = new LinkedHashMap<>();
    private final Map<Long, List<RegistryArtifactReference>> referencesByContentId = new HashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private long nextContentId = 1;
    private long nextGlobalId = 1001;

    public synchronized void clear() {
        contentById.clear();
        idByContent.clear();
        byGlobalId.clear();
        referencesByContentId.clear();
        lookups.set(0);
        nextContentId = 1;
        nextGlobalId = 1001;
    }

    /** Registers {@code schema} as a new version of the artifact (or finds the same content there). */
    public synchronized Version register(String groupId, String artifactId, String schema) {
        for (Version v : byGlobalId.values()) {
            if (v.groupId.equals(groupId)
                    && v.artifactId.equals(artifactId)
                    && contentById.get(v.contentId).equals(schema)) {
                return v;
            }
        }
        long contentId = idByContent.computeIfAbsent(schema, s -> {
            long id = nextContentId++;
            contentById.put(id, s);
            return id;
        });
        int version = 1
                + (int) byGlobalId.values().stream()
                        .filter(v -> v.groupId.equals(groupId) && v.artifactId.equals(artifactId))
                        .count();
        Version v = new Version(groupId, artifactId, version, nextGlobalId++, contentId);
        byGlobalId.put(v.globalId, v);
        return v;
    }

    /** Puts {@code schema} under a given content id, as a registry another producer used would have it. */
    public synchronized void putContent(long contentId, String schema) {
        contentById.put(contentId, schema);
        idByContent.put(schema, contentId);
    }

    public synchronized List<Version> versions() {
        return new ArrayList<>(byGlobalId.values());
    }

    public synchronized String content(long contentId) {
        return contentById.get(contentId);
    }

    /** Schema lookups by id so far (the resolver's cache keeps repeated ones away). */
    public int lookups() {
        return lookups.get();
    }

    static final class NotFound extends ApiException {
        private static final long serialVersionUID = 1L;

        NotFound(String what) {
            super(what + " not found");
            setResponseStatusCode(404);
        }
    }

    @Override
    public synchronized String getSchemaByContentId(Long contentId) {
        lookups.incrementAndGet();
        String s = contentById.get(contentId);
        if (s == null) {
            throw new NotFound("content id " + contentId);
        }
        return s;
    }

    @Override
    public synchronized String getSchemaByGlobalId(long globalId, boolean dereferenced) {
        lookups.incrementAndGet();
        Version v = byGlobalId.get(globalId);
        if (v == null) {
            throw new NotFound("global id " + globalId);
        }
        return contentById.get(v.contentId);
    }

    @Override
    public synchronized String getSchemaByGAV(String groupId, String artifactId, String version) {
        Version v = gav(groupId, artifactId, version);
        return contentById.get(v.contentId);
    }

    @Override
    public String getSchemaByContentHash(String contentHash) {
        throw new NotFound("content hash " + contentHash);
    }

    @Override
    public synchronized List<RegistryArtifactReference> getReferencesByContentId(long contentId) {
        return referencesByContentId.getOrDefault(contentId, List.of());
    }

    @Override
    public synchronized List<RegistryArtifactReference> getReferencesByGlobalId(long globalId) {
        Version v = byGlobalId.get(globalId);
        return v == null ? List.of() : getReferencesByContentId(v.contentId);
    }

    @Override
    public synchronized List<RegistryArtifactReference> getReferencesByGAV(
            String groupId, String artifactId, String version) {
        return getReferencesByContentId(gav(groupId, artifactId, version).contentId);
    }

    @Override
    public List<RegistryArtifactReference> getReferencesByContentHash(String contentHash) {
        return List.of();
    }

    @Override
    public synchronized List<RegistryVersionCoordinates> searchVersionsByContent(
            String schemaString, String artifactType, ArtifactReference reference, boolean canonical) {
        List<RegistryVersionCoordinates> found = new ArrayList<>();
        for (Version v : byGlobalId.values()) {
            if (contentById.get(v.contentId).equals(schemaString)
                    && (reference.getArtifactId() == null
                            || reference.getArtifactId().equals(v.artifactId))) {
                found.add(coordinates(v));
            }
        }
        return found;
    }

    @Override
    public RegistryVersionCoordinates createSchema(
            String artifactType,
            String groupId,
            String artifactId,
            String version,
            String autoCreateBehavior,
            boolean canonical,
            String schemaString,
            Set<RegistryArtifactReference> references) {
        if (!"AVRO".equals(artifactType)) {
            throw new IllegalArgumentException("artifact type " + artifactType);
        }
        synchronized (this) {
            Version v = register(groupId, artifactId, schemaString);
            if (!references.isEmpty()) {
                referencesByContentId.put(v.contentId, new ArrayList<>(references));
            }
            return coordinates(v);
        }
    }

    @Override
    public synchronized RegistryVersionCoordinates getVersionCoordinatesByGAV(
            String groupId, String artifactId, String version) {
        return coordinates(gav(groupId, artifactId, version));
    }

    private Version gav(String groupId, String artifactId, String version) {
        Version last = null;
        for (Version v : byGlobalId.values()) {
            if (v.artifactId.equals(artifactId)
                    && v.groupId.equals(groupId == null ? "default" : groupId)
                    && (version == null || String.valueOf(v.version).equals(version))) {
                last = v;
            }
        }
        if (last == null) {
            throw new NotFound(groupId + "/" + artifactId + "/" + version);
        }
        return last;
    }

    private static RegistryVersionCoordinates coordinates(Version v) {
        return RegistryVersionCoordinates.create(
                v.globalId, v.contentId, v.groupId, v.artifactId, String.valueOf(v.version));
    }

    @Override
    public Object getClient() {
        return null;
    }

    @Override
    public void close() {
        // shared: nothing to release
    }
}
