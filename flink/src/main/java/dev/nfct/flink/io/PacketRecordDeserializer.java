package dev.nfct.flink.io;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.PacketEvent;
import dev.nfct.flink.format.ValueDecoder;
import dev.nfct.flink.format.ValueFormat;
import dev.nfct.flink.records.InputRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads packet records from Kafka, in the job's {@link ValueFormat}, without ever failing the job
 * on bad input: bytes that are not a {@code PacketEvent} become a dead letter that keeps the record
 * and says why. The one failure is a schema registry that does not answer ({@link ValueDecoder}):
 * the records are not bad, so the task fails and Flink retries from its last checkpoint.
 */
public final class PacketRecordDeserializer implements KafkaRecordDeserializationSchema<InputRecord> {
    private static final long serialVersionUID = 1L;
    private final ValueDecoder<PacketEvent> decoder;
    private transient StringBuilder why;

    public PacketRecordDeserializer() {
        this(ValueFormat.singleObject());
    }

    public PacketRecordDeserializer(ValueFormat format) {
        this.decoder = format.decoder(PacketEvent.class);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder.open(context);
        why = new StringBuilder();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputRecord> out) throws IOException {
        if (why == null) {
            open(null);
        }
        PacketEvent e = decoder.decodeOrNull(record.topic(), record.value(), why);
        if (e != null) {
            out.collect(InputRecord.packet(e)
                    .from(record.topic(), record.partition(), record.offset(), record.timestamp(), record.key()));
            return;
        }
        out.collect(InputRecord.deadLetter(DeadLetter.newBuilder()
                .setReason("undecodable PacketEvent: " + why)
                .setTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setTimestampMs(record.timestamp())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .build()));
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
        return InputRecord.typeInfo();
    }
}
