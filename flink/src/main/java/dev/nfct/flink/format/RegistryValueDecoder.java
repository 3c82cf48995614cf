package dev.nfct.flink.format;

import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaResolver;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.serde.IdHandler;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;

/**
 * Reads values written by Apicurio's (or Confluent's) Avro serializers: {@code 00}, a registry id,
 * the Avro binary body. Apicurio's serde is configured from {@link RegistrySettings} as usual and
 * supplies the id framing ({@code IdHandler}) and the id-to-schema lookup (its resolver, with its
 * cache); the body is decoded here, because input topics are written by programs outside the job
 * and Apicurio's own decoding trusts them.
 *
 * <p>So, like {@link AvroSingleObjectDeserializer}, bad input gives a reason, never an exception:
 * no value, no {@code 00} (with a hint when it is a single-object header instead), a truncated id,
 * an id the registry does not know (remembered for a minute so garbage cannot make the job ask the
 * registry for every record), a writer schema this record type cannot be read from, a truncated or
 * invalid body, trailing bytes. A body written with exactly the job's schema (the usual case) is
 * decoded by {@link AvroSingleObjectDeserializer}, whose decoder bounds every length by the message
 * size; another compatible writer schema is resolved to the job's (Avro schema resolution).
 *
 * <p>The one exception: when the registry does not answer, {@link #decodeOrNull} throws an
 * {@link IOException} (see {@link ValueDecoder}).
 */
final class RegistryValueDecoder<T extends SpecificRecordBase> implements ValueDecoder<T> {
    private static final long serialVersionUID = 1L;
    private static final int MAX_IDS = 1024;
    private static final long UNKNOWN_ID_MILLIS = 60_000;

    private final Class<T> recordClass;
    private final RegistrySettings settings;

    private transient IdHandler ids;
    private transient SchemaResolver<Schema, Object> resolver;
    private transient Schema ours;
    private transient long ourFingerprint;
    private transient AvroSingleObjectDeserializer<T> exact;
    private transient Map<Long, Writer> writers;
    private transient Map<Long, Unknown> unknownIds;
    private transient BinaryDecoder binary;

    private record Unknown(String reason, long until) {}

    /**
     * What a writer schema (by id) means here: ours exactly, or a reader resolving it to ours, or the
     * reason it cannot be read. Kept per id and redone only when the resolver hands out a new schema
     * object (its cache expires), since fingerprinting a schema costs far more than a record.
     */
    private record Writer(Schema schema, boolean exact, SpecificDatumReader<?> reader, String unreadable) {}

    RegistryValueDecoder(Class<T> recordClass, RegistrySettings settings) {
        this.recordClass = recordClass;
        this.settings = settings;
    }

    /** Apicurio's deserializer, configured, for its id handler and resolver. */
    private static final class Configured extends AvroKafkaDeserializer<Object> {
        Configured(SchemaResolver<Schema, Object> resolver) {
            super(resolver);
        }

        IdHandler idHandler() {
            return delegatedDeserializer.getSerdeConfigurer().getIdHandler();
        }
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        dev.nfct.schema.AvroCoders.useGenerated();
        Apicurio.shareVertx(context == null ? null : context.getUserCodeClassLoader());
        Map<String, Object> config = settings.serdeConfig();
        Configured d = new Configured(Apicurio.resolver(config));
        d.configure(config, false);
        ids = d.idHandler();
        resolver = d.getSchemaResolver();
        ours = SpecificData.getForClass(recordClass).getSchema(recordClass);
        ourFingerprint = SchemaNormalization.parsingFingerprint64(ours);
        exact = new AvroSingleObjectDeserializer<>(recordClass);
        exact.open(null);
        writers = lru();
        unknownIds = lru();
    }

    private static <V> Map<Long, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
                return size() > MAX_IDS;
            }
        };
    }

    @Override
    public T decodeOrNull(String topic, byte[] m, StringBuilder reasonOut) throws IOException {
        if (ids == null) {
            open(null);
        }
        if (reasonOut != null) {
            reasonOut.setLength(0);
        }
        if (m == null) {
            return fail(reasonOut, "no value (a null or tombstone message)");
        }
        if (m.length == 0) {
            return fail(reasonOut, "empty message");
        }
        int idSize = ids.idSize();
        if (m[0] != 0) {
            boolean singleObject = m.length >= 2 && (m[0] & 0xff) == 0xC3 && m[1] == 0x01;
            return fail(
                    reasonOut,
                    String.format(
                            "no schema registry framing (expected magic byte 00, found %02X)%s",
                            m[0] & 0xff,
                            singleObject ? ": an Avro single-object header, the job's format without a registry" : ""));
        }
        if (m.length < 1 + idSize) {
            return fail(
                    reasonOut,
                    "truncated header: " + m.length + " bytes, magic byte and " + idSize + "-byte schema id need "
                            + (1 + idSize));
        }
        ByteBuffer buffer = ByteBuffer.wrap(m);
        buffer.position(1);
        ArtifactReference ref = ids.readId(buffer);
        long id = settings.confluentCompatible() ? ref.getContentId() : ref.getGlobalId();
        String idText = (settings.confluentCompatible() ? "content id " : "global id ") + id;

        Unknown known = unknownIds.get(id);
        if (known != null && known.until > System.currentTimeMillis()) {
            return fail(reasonOut, known.reason);
        }
        Schema writer;
        try {
            SchemaLookupResult<Schema> found = resolver.resolveSchemaByArtifactReference(ref);
            writer = found.getParsedSchema().getParsedSchema();
        } catch (RuntimeException e) {
            if (!Apicurio.isPermanent(e)) {
                throw new IOException(
                        "schema registry " + settings.url() + " did not answer for " + idText + " (" + topic + "): "
                                + Apicurio.rootMessage(e),
                        e);
            }
            String why = "unknown schema: " + idText + " (" + Apicurio.rootMessage(e) + ")";
            unknownIds.put(id, new Unknown(why, System.currentTimeMillis() + UNKNOWN_ID_MILLIS));
            return fail(reasonOut, why);
        }

        Writer w = writers.get(id);
        if (w == null || w.schema != writer) {
            w = writer(writer, idText);
            writers.put(id, w);
        }
        int bodyOffset = 1 + idSize;
        int bodyLength = m.length - bodyOffset;
        if (w.exact) {
            return decodeExact(m, bodyOffset, bodyLength, idText, reasonOut);
        }
        if (w.unreadable != null) {
            return fail(reasonOut, w.unreadable);
        }
        return decodeResolved(w, m, bodyOffset, bodyLength, idText, reasonOut);
    }

    private Writer writer(Schema writer, String idText) {
        if (SchemaNormalization.parsingFingerprint64(writer) == ourFingerprint) {
            return new Writer(writer, true, null, null);
        }
        var compat = SchemaCompatibility.checkReaderWriterCompatibility(ours, writer);
        if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return new Writer(
                    writer,
                    false,
                    null,
                    "schema " + idText + " (" + writer.getFullName() + ") cannot be read as " + recordClass.getName()
                            + ": " + compat.getDescription());
        }
        return new Writer(
                writer, false, new SpecificDatumReader<T>(writer, ours, SpecificData.getForClass(recordClass)), null);
    }

    /** The writer's schema is ours: the bounded single-object decoder does the work. */
    private T decodeExact(byte[] m, int offset, int length, String idText, StringBuilder reasonOut) {
        long f = ourFingerprint;
        byte[] single = new byte[10 + length];
        single[0] = (byte) 0xC3;
        single[1] = 0x01;
        for (int i = 0; i < 8; i++) {
            single[2 + i] = (byte) (f >>> (8 * i));
        }
        System.arraycopy(m, offset, single, 10, length);
        T record = exact.decodeOrNull(single, reasonOut);
        if (record == null && reasonOut != null) {
            reasonOut.append(" (schema ").append(idText).append(')');
        }
        return record;
    }

    /** Another, compatible writer schema: Avro resolves it to ours. */
    @SuppressWarnings("unchecked")
    private T decodeResolved(Writer w, byte[] m, int offset, int length, String idText, StringBuilder reasonOut) {
        binary = DecoderFactory.get().binaryDecoder(m, offset, length, binary);
        String name = w.schema.getName();
        try {
            T record = ((SpecificDatumReader<T>) w.reader).read(null, binary);
            if (!binary.isEnd()) {
                return fail(reasonOut, "trailing bytes after the " + name + " record (schema " + idText + ")");
            }
            return record;
        } catch (IOException | RuntimeException e) {
            binary = null;
            return fail(reasonOut, "invalid " + name + " body (schema " + idText + "): " + e);
        }
    }

    private T fail(StringBuilder reasonOut, String why) {
        if (reasonOut != null) {
            reasonOut.append(why);
        }
        return null;
    }
}
