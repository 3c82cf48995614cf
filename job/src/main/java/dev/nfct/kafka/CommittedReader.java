package dev.nfct.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from the beginning with {@code isolation.level=read_committed}, so only what the
 * job's transactions committed is seen. No consumer group: it assigns every partition itself.
 */
public final class CommittedReader implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;

    public CommittedReader(String topic, Map<String, Object> clientConfig) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put("key.deserializer", ByteArrayDeserializer.class.getName());
        c.put("value.deserializer", ByteArrayDeserializer.class.getName());
        c.put("isolation.level", "read_committed");
        c.put("auto.offset.reset", "earliest");
        c.put("enable.auto.commit", "false");
        consumer = new KafkaConsumer<>(c);
        List<TopicPartition> parts = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30))
                .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** The records that arrived within {@code timeout} (possibly none). */
    public List<ConsumerRecord<byte[], byte[]>> poll(Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        consumer.poll(timeout).forEach(out::add);
        return out;
    }

    /** Whether every partition has been read up to its committed end (last stable offset). */
    public boolean atEnd() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        for (var e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }

    /**
     * Everything committed in a topic: reads from the beginning until at least {@code atLeast}
     * records have come and every partition is read to its committed end, or {@code maxWait} passes.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(
            String topic, Map<String, Object> clientConfig, int atLeast, Duration maxWait) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + maxWait.toNanos();
        try (CommittedReader reader = new CommittedReader(topic, clientConfig)) {
            while (System.nanoTime() < deadline) {
                out.addAll(reader.poll(Duration.ofMillis(200)));
                if (out.size() >= atLeast && reader.atEnd()) {
                    break;
                }
            }
        }
        return out;
    }
}
