package dev.nfct.flink.format;

import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.SchemaResolver;
import io.apicurio.registry.resolver.client.RegistryClientFacadeFactory;
import io.apicurio.registry.resolver.utils.Utils;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.AvroRuntimeException;
import org.apache.flink.util.UserCodeClassLoader;

/** What the encoder and decoder share about Apicurio's serdes. */
final class Apicurio {
    private Apicurio() {}

    /**
     * The schema resolver the config names ({@code apicurio.registry.schema-resolver}: a class with
     * a no-argument constructor), else Apicurio's {@link DefaultSchemaResolver}. Made here, not by
     * the serde, because the encoder wraps it ({@link MemoizingSchemaResolver}).
     */
    @SuppressWarnings("unchecked")
    static <S, T> SchemaResolver<S, T> resolver(Map<String, Object> config) {
        Object named = config.get(SerdeConfig.SCHEMA_RESOLVER);
        if (named == null) {
            return new DefaultSchemaResolver<>();
        }
        AtomicReference<SchemaResolver<S, T>> r = new AtomicReference<>();
        Utils.instantiate(SchemaResolver.class, named, x -> r.set((SchemaResolver<S, T>) x));
        return r.get();
    }

    /**
     * Makes every registry client of this class loader share one Vert.x instance (Apicurio's HTTP
     * client runs on Vert.x; by default each serde starts its own, with its threads, and Flink's
     * Kafka serialization schemas are never closed). The instance is closed when Flink releases the
     * job's class loader.
     */
    static synchronized void shareVertx(UserCodeClassLoader classLoader) {
        if (RegistryClientFacadeFactory.vertx == null) {
            RegistryClientFacadeFactory.vertx = Vertx.vertx();
        }
        if (classLoader != null) {
            classLoader.registerReleaseHookIfAbsent("nfct-apicurio-vertx", Apicurio::closeVertx);
        }
    }

    static synchronized void closeVertx() {
        Vertx v = RegistryClientFacadeFactory.vertx;
        RegistryClientFacadeFactory.vertx = null;
        if (v != null) {
            v.close();
        }
    }

    /**
     * Whether a failed schema lookup is the record's fault (the registry answered 4xx, e.g. no schema
     * with that id, or its schema does not parse), so the record is a dead letter; otherwise the
     * registry did not answer (connection refused, timeout, 5xx) and the lookup must be retried.
     */
    static boolean isPermanent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof com.microsoft.kiota.ApiException api) {
                int status = api.getResponseStatusCode();
                return status >= 400 && status < 500 && status != 408 && status != 429;
            }
            if (t instanceof AvroRuntimeException) {
                return true; // the registered schema is not a valid Avro schema
            }
        }
        return false;
    }

    /** The innermost message of a chain, for reasons that fit on a line. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
