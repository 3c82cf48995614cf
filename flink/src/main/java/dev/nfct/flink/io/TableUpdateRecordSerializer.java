package dev.nfct.flink.io;

import dev.nfct.avro.TableEntry;
import dev.nfct.flink.format.ValueEncoder;
import dev.nfct.flink.format.ValueFormat;
import dev.nfct.flink.records.TableUpdate;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Table changes for the compacted table topic: the entry, or a tombstone (null value) on destroy. */
public final class TableUpdateRecordSerializer implements KafkaRecordSerializationSchema<TableUpdate> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final ValueEncoder<TableEntry> values;

    public TableUpdateRecordSerializer(String topic) {
        this(topic, ValueFormat.singleObject());
    }

    public TableUpdateRecordSerializer(String topic, ValueFormat format) {
        this.topic = topic;
        this.values = format.encoder(TableEntry.class);
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        values.open(context);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(TableUpdate u, KafkaSinkContext context, Long timestamp) {
        byte[] value = u.entry == null ? null : values.encode(topic, u.entry);
        return new ProducerRecord<>(topic, u.key.getBytes(StandardCharsets.UTF_8), value);
    }
}
