package dev.nfct.cli;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.TableEntry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the conntrack job's flow events and connection table with plain kafka-clients. */
public final class FlowEventConsumerExample {
    public static final String FLOW_EVENTS = "conntrack.flow-events";
    public static final String TABLE = "conntrack.table";

    public static void main(String[] args) throws IOException {
        String bootstrap = args.length > 0 ? args[0] : "localhost:9092";
        // 1. Follow the flow events as a consumer group.
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, "my-team-flows")) {
            consumer.subscribe(List.of(FLOW_EVENTS));
            for (int i = 0; i < 10; i++) {
                pollOnce(consumer, e -> System.out.println(e.getHost() + " " + e.getType() + " " + e.getOrig()));
            }
        }
        // 2. `conntrack -L` of one host, rebuilt from the compacted table topic.
        loadTable(bootstrap, TABLE, "gw1").forEach((key, entry) -> System.out.println(key + " " + entry.getState()));
    }

    /** Settings every reader of the job's topics needs. */
    static Properties config(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // The job writes in Kafka transactions: never show records of open or aborted ones.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    /** Keys are UTF-8 text (HOST|ZONE|L3|L4|ORIGINAL TUPLE); values are Avro single-object encoded. */
    public static KafkaConsumer<String, byte[]> consumer(String bootstrapServers, String groupId) {
        Properties p = config(bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** One poll: hands each event to {@code handler}, skips undecodable records, commits. */
    public static int pollOnce(KafkaConsumer<String, byte[]> consumer, Consumer<FlowEvent> handler) {
        int handled = 0;
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            FlowEvent event;
            try {
                // C3 01, the 8-byte schema fingerprint, then the Avro binary body.
                event = FlowEvent.getDecoder().decode(r.value());
            } catch (IOException | RuntimeException e) {
                System.err.printf("skipping %s-%d@%d: %s%n", r.topic(), r.partition(), r.offset(), e);
                continue;
            }
            handler.accept(event);
            handled++;
        }
        consumer.commitSync();
        return handled;
    }

    /**
     * The live entries of {@code host} (what {@code conntrack -L} shows there), by record key:
     * reads the compacted table topic from the beginning up to its current end, keeping the
     * last value of each key and dropping keys whose last record is a tombstone.
     */
    public static Map<String, TableEntry> loadTable(String bootstrapServers, String topic, String host)
            throws IOException {
        // Tombstones have no value: select the host by the key, whose first field is the host
        // name with '%' and '|' percent-encoded.
        String keyPrefix = host.replace("%", "%25").replace("|", "%7C") + "|";
        Map<String, TableEntry> table = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(config(bootstrapServers), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            // With read_committed these are the last stable offsets: everything committed so far.
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (!r.key().startsWith(keyPrefix)) {
                        continue;
                    }
                    if (r.value() == null) {
                        table.remove(r.key()); // tombstone: the entry was destroyed
                    } else {
                        table.put(r.key(), TableEntry.getDecoder().decode(r.value()));
                    }
                }
            }
        }
        return table;
    }
}
