package dev.nfct.flink.format;

import java.io.EOFException;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Reads generated Avro records written in Avro's single-object encoding ({@code C3 01}, 8-byte
 * CRC-64-AVRO fingerprint, binary body) by {@link AvroSingleObjectSerializer} or any other Avro
 * implementation, for exactly one schema: that of the record class. A message with another
 * fingerprint (another record type, or another version of this one) is rejected with a reason
 * rather than decoded with a guessed writer schema; schema evolution, when it comes, means adding
 * known writer schemas here, not trusting the bytes.
 *
 * <p>Input topics are written by programs outside the job, so {@link #decodeOrNull} never throws:
 * it returns null and says why (empty, no header, unknown fingerprint, truncated body, trailing
 * bytes, invalid body), so the job can send the original bytes to its dead-letter topic.
 * {@link #deserialize} is the Flink interface and throws an {@link IOException} with the same reason.
 *
 * <p>Fast: reader and decoders are built once per instance and reused (the Avro reader itself
 * caches its resolution of the schema), the header is checked with plain byte comparisons, and
 * lengths are bounded by the message size ({@link BoundedDecoder}) so garbage cannot trigger huge
 * allocations. Each record is a new object: Flink may hold on to records it was given.
 */
public final class AvroSingleObjectDeserializer<T extends SpecificRecordBase> implements DeserializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> recordClass;
    private transient SpecificDatumReader<T> reader;
    private transient BinaryDecoder binary;
    private transient BoundedDecoder bounded;
    private transient long fingerprint;
    private transient StringBuilder reason;

    public AvroSingleObjectDeserializer(Class<T> recordClass) {
        this.recordClass = recordClass;
    }

    @Override
    public void open(InitializationContext context) {
        init();
    }

    private void init() {
        dev.nfct.schema.AvroCoders.useGenerated();
        Schema schema = SingleObject.schemaOf(recordClass);
        reader = new SpecificDatumReader<>(schema, schema, SpecificData.getForClass(recordClass));
        fingerprint = SingleObject.fingerprint(schema);
        bounded = new BoundedDecoder();
        reason = new StringBuilder();
    }

    /** The CRC-64-AVRO fingerprint a message must carry to be accepted. */
    public long expectedFingerprint() {
        if (reader == null) {
            init();
        }
        return fingerprint;
    }

    /**
     * The record in {@code message}, or null when it is not a complete single-object encoding of
     * this class's schema; {@code reasonOut} (may be null) is then replaced with why. Never throws
     * for bad input.
     */
    public T decodeOrNull(byte[] message, StringBuilder reasonOut) {
        if (reader == null) {
            init();
        }
        if (reasonOut != null) {
            reasonOut.setLength(0);
        }
        String problem = header(message);
        if (problem != null) {
            return fail(reasonOut, problem);
        }
        int bodyLength = message.length - SingleObject.HEADER_LENGTH;
        binary = DecoderFactory.get().binaryDecoder(message, SingleObject.HEADER_LENGTH, bodyLength, binary);
        bounded.reset(binary, bodyLength);
        T record;
        try {
            record = reader.read(null, bounded);
            if (!bounded.isEnd()) {
                return fail(
                        reasonOut,
                        "trailing bytes after the " + recordClass.getSimpleName() + " record (" + message.length
                                + "-byte message): not a record of this schema");
            }
        } catch (EOFException e) {
            return fail(
                    reasonOut,
                    "truncated body: the " + bodyLength + " bytes after the header end inside the "
                            + recordClass.getSimpleName() + " record" + detail(e));
        } catch (IOException | RuntimeException e) {
            // Random bytes make Avro throw all sorts (bad union branch or enum index, negative length,
            // malformed varint...); none of them may escape, the record has to reach the dead letters.
            return fail(reasonOut, "invalid " + recordClass.getSimpleName() + " body: " + e);
        }
        return record;
    }

    /** Null when the message starts with a single-object header carrying our fingerprint. */
    private String header(byte[] m) {
        if (m == null) {
            return "no value (a null or tombstone message)";
        }
        if (m.length < 2 || (m[0] & 0xff) != SingleObject.MARKER_0 || (m[1] & 0xff) != SingleObject.MARKER_1) {
            return m.length == 0
                    ? "empty message"
                    : "no Avro single-object header (expected C3 01, found " + firstBytes(m) + ")";
        }
        if (m.length < SingleObject.HEADER_LENGTH) {
            return "truncated header: " + m.length + " bytes, the single-object header alone needs "
                    + SingleObject.HEADER_LENGTH;
        }
        long f = SingleObject.readFingerprint(m);
        if (f != fingerprint) {
            return "unknown schema fingerprint " + SingleObject.hex(f) + " (this reader only knows "
                    + SingleObject.hex(fingerprint) + ", " + recordClass.getName() + ")";
        }
        return null;
    }

    private T fail(StringBuilder reasonOut, String why) {
        if (reasonOut != null) {
            reasonOut.append(why);
        }
        return null;
    }

    private static String detail(Exception e) {
        return e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
    }

    private static String firstBytes(byte[] m) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(2, m.length); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02X", m[i] & 0xff));
        }
        return sb.toString();
    }

    /**
     * The Flink interface: the record, null for a null (tombstone) message, which Flink skips,
     * or an {@link IOException} carrying the {@link #decodeOrNull} reason.
     */
    @Override
    public T deserialize(byte[] message) throws IOException {
        if (message == null) {
            return null;
        }
        if (reason == null) {
            init();
        }
        T record = decodeOrNull(message, reason);
        if (record == null) {
            throw new IOException(reason.toString());
        }
        return record;
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return new AvroTypeInfo<>(recordClass);
    }
}
