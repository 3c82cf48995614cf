package dev.nfct.flink.io;

import dev.nfct.avro.FlowEvent;
import dev.nfct.flink.format.ValueEncoder;
import dev.nfct.flink.format.ValueFormat;
import dev.nfct.schema.FlowKeys;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Flow events keyed by host, zone and ORIGINAL tuple, so each flow's events stay in order. */
public final class FlowEventRecordSerializer implements KafkaRecordSerializationSchema<FlowEvent> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final ValueEncoder<FlowEvent> values;

    public FlowEventRecordSerializer(String topic) {
        this(topic, ValueFormat.singleObject());
    }

    public FlowEventRecordSerializer(String topic, ValueFormat format) {
        this.topic = topic;
        this.values = format.encoder(FlowEvent.class);
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        values.open(context);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(FlowEvent e, KafkaSinkContext context, Long timestamp) {
        // No timestamp: the producer stamps the time of writing (see Topics: retention counts from
        // then, not from the packet's time, which may be months old).
        return new ProducerRecord<>(topic, null, null, FlowKeys.key(e), values.encode(topic, e));
    }
}
