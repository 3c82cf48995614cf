package dev.nfct.flink.io;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.PacketEvent;
import dev.nfct.flink.avro.AvroSingleObjectDeserializer;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.ByteBuffer;

/**
 * Reads packet records from Kafka without ever failing the job: bytes that are not a
 * {@code PacketEvent} become a dead letter that keeps the record and says why.
 */
public final class PacketRecordDeserializer implements KafkaRecordDeserializationSchema<InputRecord> {
    private static final long serialVersionUID = 1L;
    private final AvroSingleObjectDeserializer<PacketEvent> decoder =
            new AvroSingleObjectDeserializer<>(PacketEvent.class);
    private transient StringBuilder why;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder.open(context);
        why = new StringBuilder();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputRecord> out) {
        if (why == null) {
            open(null);
        }
        PacketEvent e = decoder.decodeOrNull(record.value(), why);
        if (e != null) {
            out.collect(InputRecord.packet(e));
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
