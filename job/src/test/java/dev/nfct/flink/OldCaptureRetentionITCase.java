package dev.nfct.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.PacketEvent;
import dev.nfct.core.Conntrack;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.PacketCt;
import dev.nfct.core.Settings;
import dev.nfct.core.format.EventFormat;
import dev.nfct.core.proto.Trackers;
import dev.nfct.flink.format.AvroSingleObjectDeserializer;
import dev.nfct.flink.format.AvroSingleObjectSerializer;
import dev.nfct.flink.io.Topics;
import dev.nfct.kafka.CommittedReader;
import dev.nfct.kafka.EmbeddedKafka;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.packet.Captures;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.PacketEvents;
import dev.nfct.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A capture from months ago goes through the job, the broker's retention check runs (every half
 * second here, against the topics' stated seven days), and every flow event is still there to
 * read: output records are stamped with the time they were written, not with the packets' time.
 */
class OldCaptureRetentionITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final byte[] MARKER = "marker".getBytes(StandardCharsets.UTF_8);
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(
                null, Map.of("log.retention.check.interval.ms", "500", "log.initial.task.delay.ms", "0"));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theEventsOfACaptureFromMonthsAgoOutliveTheRetentionCheck() throws Exception {
        Topics topics = Topics.defaults().withPrefix("old.");
        TopicSetup.createAll(topics, kafka, 1);
        // Short segments: Kafka deletes only segments it has rolled, which by default takes days;
        // with these, what the job wrote is in a closed segment once anything is written after it.
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, topics.flowEvents()),
                            List.of(new AlterConfigOp(new ConfigEntry("segment.ms", "100"), AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        List<CapturedDatagram> datagrams = Captures.datagrams(SharedData.sample());
        // The capture as if recorded 120 days before now, replayed at top speed.
        long t = System.currentTimeMillis() * 1_000_000L - TimeUnit.DAYS.toNanos(120);
        Settings settings = new Settings();
        settings.events = 1;
        List<String> expected = new ArrayList<>();
        Conntrack engine = new Conntrack(
                settings,
                Trackers.standard(settings),
                new HashConnTable(),
                e -> expected.add(EventFormat.event(e, true)));
        PacketCt r = new PacketCt();
        AvroSingleObjectSerializer<PacketEvent> ser = new AvroSingleObjectSerializer<>(PacketEvent.class);
        ser.open(null);
        Map<String, Object> producer = new HashMap<>(kafka.clientConfig());
        producer.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        producer.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producer)) {
            long id = 0;
            for (CapturedDatagram d : datagrams) {
                r.reset();
                engine.forward(d.packet(), t, r);
                p.send(new ProducerRecord<>(
                        topics.packets(),
                        "old-host".getBytes(StandardCharsets.UTF_8),
                        ser.serialize(PacketEvents.fromPacket(d.packet(), "old-host", ++id, t))));
            }
        }

        Configuration conf = new Configuration();
        conf.set(KafkaJobOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(KafkaJobOptions.TOPIC_PREFIX, "old.");
        conf.set(KafkaJobOptions.BOUNDED, true);
        conf.set(KafkaJobOptions.GROUP_ID, "old");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(300);
        KafkaConntrackJob.addTo(env, conf);
        env.execute("old capture");

        // A later write rolls the job's segment closed, then several retention checks run.
        Thread.sleep(300);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producer)) {
            p.send(new ProducerRecord<>(topics.flowEvents(), MARKER, MARKER)).get(30, TimeUnit.SECONDS);
        }
        Thread.sleep(3_000);
        AvroSingleObjectDeserializer<FlowEvent> flows = new AvroSingleObjectDeserializer<>(FlowEvent.class);
        flows.open(null);
        List<String> got = new ArrayList<>();
        List<Long> stamps = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> rec : CommittedReader.readAll(
                topics.flowEvents(), kafka.clientConfig(), expected.size(), Duration.ofSeconds(30))) {
            if (!Arrays.equals(rec.key(), MARKER)) {
                got.add(FlowEvents.conntrackLine(flows.deserialize(rec.value()), true));
                stamps.add(rec.timestamp());
            }
        }
        assertThat(expected).isNotEmpty();
        assertThat(got).as("every event survived the retention checks").containsExactlyElementsOf(expected);
        long anHourAgo = System.currentTimeMillis() - TimeUnit.HOURS.toMillis(1);
        assertThat(stamps).as("stamped when written, not 120 days ago").allMatch(ts -> ts > anHourAgo);
    }
}
