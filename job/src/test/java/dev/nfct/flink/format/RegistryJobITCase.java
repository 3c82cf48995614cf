package dev.nfct.flink.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.PacketEvent;
import dev.nfct.core.Conntrack;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.PacketCt;
import dev.nfct.core.Settings;
import dev.nfct.core.format.EventFormat;
import dev.nfct.core.proto.Trackers;
import dev.nfct.flink.KafkaConntrackJob;
import dev.nfct.flink.KafkaJobOptions;
import dev.nfct.flink.io.Topics;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.kafka.CommittedReader;
import dev.nfct.kafka.EmbeddedKafkaExtension;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.PacketEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job in {@link WireFormat#REGISTRY} (Confluent framing) on a Flink MiniCluster against
 * the in-JVM Kafka broker, with Apicurio's serdes and resolver talking to {@link InMemoryRegistry}:
 * packets written with registry ids in, flow events read back with registry ids equal the engine's
 * own (as multisets), garbage becomes a dead letter, each output topic gets its artifact, and no
 * Kryo anywhere ({@code pipeline.generic-types=false}).
 */
class RegistryJobITCase {
    @RegisterExtension
    @Order(1)
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /** Started after the MiniCluster, closed before it. */
    @RegisterExtension
    @Order(2)
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void theJobReadsAndWritesRegistryFramedValues() throws Exception {
        InMemoryRegistry.SHARED.clear();
        RegistrySettings settings = new RegistrySettings(
                "http://in-memory.invalid/apis/registry/v3", true, true, InMemoryRegistry.resolverSetting());
        ValueFormat format = ValueFormat.registry(settings);
        Topics topics = Topics.defaults().withPrefix("it-registry.");
        TopicSetup.ensureTopics(topics, KAFKA.broker().bootstrapServers(), 2);

        List<CapturedDatagram> datagrams = Samples.datagrams();
        long t = datagrams.get(0).timestampNanos();
        Settings engineSettings = new Settings();
        engineSettings.acct = 1;
        engineSettings.events = 1;
        List<String> expected = new ArrayList<>();
        Conntrack engine = new Conntrack(
                engineSettings,
                Trackers.standard(engineSettings),
                new HashConnTable(),
                e -> expected.add(EventFormat.event(e, true)));
        PacketCt r = new PacketCt();
        for (CapturedDatagram d : datagrams) {
            r.reset();
            engine.forward(d.packet(), t, r);
        }

        ValueEncoder<PacketEvent> enc = format.encoder(PacketEvent.class);
        enc.open(null);
        Map<String, Object> pc = new HashMap<>(KAFKA.broker().clientConfig());
        pc.put("key.serializer", ByteArraySerializer.class.getName());
        pc.put("value.serializer", ByteArraySerializer.class.getName());
        pc.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pc)) {
            byte[] hostKey = "host-a".getBytes(StandardCharsets.UTF_8);
            long id = 0;
            for (CapturedDatagram d : datagrams) {
                producer.send(new ProducerRecord<>(
                        topics.packets(),
                        hostKey,
                        enc.encode(topics.packets(), PacketEvents.fromPacket(d.packet(), "host-a", ++id, t))));
            }
            producer.send(new ProducerRecord<>(
                    topics.packets(), hostKey, "not avro at all".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }

        Configuration conf = new Configuration();
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_acct"), 1);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        conf.set(KafkaJobOptions.BOOTSTRAP_SERVERS, KAFKA.broker().bootstrapServers());
        conf.set(KafkaJobOptions.TOPIC_PREFIX, "it-registry.");
        conf.set(KafkaJobOptions.BOUNDED, true);
        conf.set(KafkaJobOptions.GROUP_ID, "it-registry");
        conf.set(KafkaJobOptions.FORMAT, WireFormat.REGISTRY);
        conf.set(KafkaJobOptions.REGISTRY_URL, settings.url());
        InMemoryRegistry.resolverSetting()
                .forEach((k, v) -> conf.setString(KafkaJobOptions.REGISTRY_PROPERTIES_PREFIX + k, v));
        KafkaConntrackJob.addTo(env, conf);
        env.execute("conntrack-registry-it");

        ValueDecoder<FlowEvent> flows = format.decoder(FlowEvent.class);
        flows.open(null);
        List<String> ours = new ArrayList<>();
        StringBuilder why = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> rec : readCommitted(topics.flowEvents(), expected.size())) {
            assertThat(rec.value()[0]).isZero();
            FlowEvent f = flows.decodeOrNull(rec.topic(), rec.value(), why);
            assertThat(f).as("%s", why).isNotNull();
            ours.add(FlowEvents.conntrackLine(f, true));
        }
        assertThat(ours).containsExactlyInAnyOrderElementsOf(expected);

        ValueDecoder<DeadLetter> dead = format.decoder(DeadLetter.class);
        dead.open(null);
        List<ConsumerRecord<byte[], byte[]>> deadRecords = readCommitted(topics.deadLetters(), 1);
        assertThat(deadRecords).hasSize(1);
        DeadLetter d =
                dead.decodeOrNull(topics.deadLetters(), deadRecords.get(0).value(), why);
        assertThat(d).as("%s", why).isNotNull();
        assertThat(d.getReason()).startsWith("undecodable PacketEvent: no schema registry framing");

        assertThat(InMemoryRegistry.SHARED.versions())
                .extracting(InMemoryRegistry.Version::artifactId)
                .containsExactlyInAnyOrder(
                        topics.packets() + "-PacketEvent",
                        topics.flowEvents() + "-FlowEvent",
                        topics.table() + "-TableEntry",
                        topics.deadLetters() + "-DeadLetter");
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int atLeast) {
        return CommittedReader.readAll(topic, KAFKA.broker().clientConfig(), atLeast, Duration.ofSeconds(30));
    }
}
