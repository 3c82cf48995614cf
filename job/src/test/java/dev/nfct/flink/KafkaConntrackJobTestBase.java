package dev.nfct.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.TableEntry;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.Conntrack;
import dev.nfct.core.EventType;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.PacketCt;
import dev.nfct.core.Settings;
import dev.nfct.core.Tuple;
import dev.nfct.core.format.EventFormat;
import dev.nfct.core.proto.Trackers;
import dev.nfct.flink.format.AvroSingleObjectDeserializer;
import dev.nfct.flink.format.AvroSingleObjectSerializer;
import dev.nfct.flink.io.Topics;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.kafka.CommittedReader;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.packet.Captures;
import dev.nfct.replay.OracleFormat;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.PacketEvents;
import dev.nfct.schema.TableEntries;
import dev.nfct.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a Flink MiniCluster against a real Kafka broker: a capture's packets go in
 * through Kafka, and the flow events read back with read_committed equal the engine's own events
 * for that capture, flow by flow. Subclasses say which broker: the in-JVM KRaft one, or a
 * Testcontainers one where a Docker engine exists.
 */
abstract class KafkaConntrackJobTestBase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /** Bootstrap servers of the broker under test. */
    protected abstract String bootstrapServers();

    private Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrapServers());
        return c;
    }

    @Test
    void captureThroughKafkaGivesTheEnginesEventsAndDeadLettersGarbage() throws Exception {
        Topics topics = Topics.defaults().withPrefix("it-sample.");
        TopicSetup.ensureTopics(topics, bootstrapServers(), 2);

        List<CapturedDatagram> datagrams = Captures.datagrams(SharedData.sample());
        long t = datagrams.get(0).timestampNanos(); // top timing: the capture replayed in an instant

        // What the engine alone makes of the capture, with the settings the job gets below.
        Settings settings = new Settings();
        settings.acct = 1;
        settings.events = 1;
        List<String> expected = new ArrayList<>();
        // The table topic writes an entry with each of its events (the default table updates), so
        // an entry's record holds the entry as it was at its last event (counters included), and a
        // DESTROY leaves a tombstone.
        Map<Tuple, ConnEvent> entryAtLastEvent = new HashMap<>();
        HashConnTable engineEntries = new HashConnTable();
        Conntrack[] engineRef = new Conntrack[1];
        Conntrack engine = new Conntrack(settings, Trackers.standard(settings), engineEntries, e -> {
            expected.add(line(e));
            if (e.type == EventType.DESTROY) {
                entryAtLastEvent.remove(e.orig);
            } else {
                entryAtLastEvent.put(e.orig, engineRef[0].dumpEntry(engineEntries.find(e.orig), t));
            }
        });
        engineRef[0] = engine;
        PacketCt r = new PacketCt();
        for (CapturedDatagram d : datagrams) {
            r.reset();
            engine.forward(d.packet(), t, r);
        }

        AvroSingleObjectSerializer<PacketEvent> ser = new AvroSingleObjectSerializer<>(PacketEvent.class);
        ser.open(null);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig())) {
            long id = 0;
            byte[] hostKey = "host-a".getBytes(StandardCharsets.UTF_8); // one host: one partition, in order
            for (CapturedDatagram d : datagrams) {
                producer.send(new ProducerRecord<>(
                        topics.packets(),
                        hostKey,
                        ser.serialize(PacketEvents.fromPacket(d.packet(), "host-a", ++id, t))));
            }
            producer.send(new ProducerRecord<>(
                    topics.packets(), hostKey, "not avro at all".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }

        Configuration conf = new Configuration();
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_acct"), 1);
        conf.set(PipelineOptions.GENERIC_TYPES, false); // proves no Kryo fallback anywhere
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        conf.set(KafkaJobOptions.BOOTSTRAP_SERVERS, bootstrapServers());
        conf.set(KafkaJobOptions.TOPIC_PREFIX, "it-sample.");
        conf.set(KafkaJobOptions.BOUNDED, true);
        conf.set(KafkaJobOptions.GROUP_ID, "it-sample");
        KafkaConntrackJob.addTo(env, conf);
        env.execute("conntrack-it");

        AvroSingleObjectDeserializer<FlowEvent> flows = new AvroSingleObjectDeserializer<>(FlowEvent.class);
        flows.open(null);
        List<String> ours = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> rec : readCommitted(topics.flowEvents(), expected.size())) {
            ours.add(FlowEvents.conntrackLine(flows.deserialize(rec.value()), true));
        }
        assertThat(byFlow(ours)).isEqualTo(byFlow(expected));
        assertThat(ours).hasSameSizeAs(expected);

        AvroSingleObjectDeserializer<DeadLetter> dead = new AvroSingleObjectDeserializer<>(DeadLetter.class);
        dead.open(null);
        List<ConsumerRecord<byte[], byte[]>> deadRecords = readCommitted(topics.deadLetters(), 1);
        assertThat(deadRecords).hasSize(1);
        DeadLetter d = dead.deserialize(deadRecords.get(0).value());
        assertThat(d.getReason()).contains("undecodable");
        assertThat(d.getTopic()).isEqualTo(topics.packets());

        // The table topic, read as compaction would leave it: one record per live entry, compared
        // entry by entry (tuples, state, flags, timeout, counters) as `conntrack -L` prints them.
        Map<String, byte[]> table = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : readCommitted(topics.table(), 1)) {
            String key = new String(rec.key(), StandardCharsets.UTF_8);
            if (rec.value() == null) {
                table.remove(key); // a tombstone: the entry was destroyed
            } else {
                table.put(key, rec.value());
            }
        }
        AvroSingleObjectDeserializer<TableEntry> entries = new AvroSingleObjectDeserializer<>(TableEntry.class);
        entries.open(null);
        List<String> ourTable = new ArrayList<>();
        for (byte[] value : table.values()) {
            ourTable.add(OracleFormat.entry(TableEntries.toDumpedEntry(entries.deserialize(value), t)));
        }
        List<String> engineTable = new ArrayList<>();
        entryAtLastEvent.values().forEach(e -> engineTable.add(OracleFormat.entry(e)));
        assertThat(engineTable).hasSize(engine.table().size());
        assertThat(ourTable).containsExactlyInAnyOrderElementsOf(engineTable);
    }

    private static String line(ConnEvent e) {
        return EventFormat.event(e, true);
    }

    /** Events grouped by flow (the ORIGINAL tuple), each flow's events in order. */
    private static Map<String, List<String>> byFlow(List<String> lines) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String l : lines) {
            int s = l.indexOf("src=");
            int e = l.indexOf(" src=", s + 1);
            String orig = l.substring(s, e).replace(" [UNREPLIED]", "").replaceAll(" packets=\\d+ bytes=\\d+", "");
            m.computeIfAbsent(orig, k -> new ArrayList<>()).add(l);
        }
        return new java.util.TreeMap<>(m);
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> c = new HashMap<>(clientConfig());
        c.put("key.serializer", ByteArraySerializer.class.getName());
        c.put("value.serializer", ByteArraySerializer.class.getName());
        c.put("enable.idempotence", "true");
        c.put("acks", "all");
        return c;
    }

    private List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int atLeast) {
        return CommittedReader.readAll(topic, clientConfig(), atLeast, Duration.ofSeconds(30));
    }
}
