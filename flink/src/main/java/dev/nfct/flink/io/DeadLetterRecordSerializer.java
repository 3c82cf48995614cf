package dev.nfct.flink.io;

import dev.nfct.avro.DeadLetter;
import dev.nfct.flink.format.ValueEncoder;
import dev.nfct.flink.format.ValueFormat;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Dead letters, keyed like the record they came from when it had a key; values in the job's {@link ValueFormat}. */
public final class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final ValueEncoder<DeadLetter> values;

    public DeadLetterRecordSerializer(String topic) {
        this(topic, ValueFormat.singleObject());
    }

    public DeadLetterRecordSerializer(String topic, ValueFormat format) {
        this.topic = topic;
        this.values = format.encoder(DeadLetter.class);
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        values.open(context);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        byte[] key = null;
        if (d.getKey() != null) {
            key = new byte[d.getKey().remaining()];
            d.getKey().duplicate().get(key);
        }
        return new ProducerRecord<>(topic, key, values.encode(topic, d));
    }
}
