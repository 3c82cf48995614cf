package dev.nfct.flink.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Writes generated Avro records in Avro's single-object encoding ({@code C3 01}, 8-byte schema
 * fingerprint, binary body), the value format of every topic of the job.
 *
 * <p>flink-avro's {@code AvroSerializationSchema} writes the body alone, so a reader cannot tell a
 * record of another schema (or another topic's data) from a valid one; the header makes that a
 * clean, named rejection on the reading side. Only the record class is serialized with the job
 * graph; writer, encoder and buffer are built once per instance ({@link #open} or first use) and
 * reused for every record, so the per-record cost is the encoding itself plus one array copy.
 */
public final class AvroSingleObjectSerializer<T extends SpecificRecordBase> implements SerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> recordClass;
    private transient SpecificDatumWriter<T> writer;
    private transient BinaryEncoder encoder;
    private transient ByteArrayOutputStream buffer;
    private transient byte[] header;

    public AvroSingleObjectSerializer(Class<T> recordClass) {
        this.recordClass = recordClass;
    }

    public Class<T> recordClass() {
        return recordClass;
    }

    @Override
    public void open(InitializationContext context) {
        init();
    }

    private void init() {
        dev.nfct.schema.AvroCoders.useGenerated();
        var schema = SingleObject.schemaOf(recordClass);
        writer = new SpecificDatumWriter<>(schema, SpecificData.getForClass(recordClass));
        header = SingleObject.header(SingleObject.fingerprint(schema));
        buffer = new ByteArrayOutputStream(256);
    }

    /** The encoded message; a fresh array the caller owns. */
    @Override
    public byte[] serialize(T record) {
        if (writer == null) {
            init();
        }
        buffer.reset();
        buffer.writeBytes(header);
        encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            // The encoder may still hold part of this record; reusing it would prepend that to the next.
            encoder = null;
            // A required field left null is a bug in the record's producer: name the record type.
            throw new IllegalArgumentException("cannot encode " + recordClass.getSimpleName() + ": " + e, e);
        }
        return buffer.toByteArray();
    }
}
