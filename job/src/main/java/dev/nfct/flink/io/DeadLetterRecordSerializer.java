package dev.nfct.flink.io;

import dev.nfct.avro.DeadLetter;
import dev.nfct.flink.avro.AvroSingleObjectSerializer;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Dead letters, keyed like the record they came from when it had a key. */
public final class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final AvroSingleObjectSerializer<DeadLetter> values = new AvroSingleObjectSerializer<>(DeadLetter.class);

    public DeadLetterRecordSerializer(String topic) {
        this.topic = topic;
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
        return new ProducerRecord<>(topic, key, values.serialize(d));
    }
}
