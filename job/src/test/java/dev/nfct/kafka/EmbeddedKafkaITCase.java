package dev.nfct.kafka;

import static dev.nfct.kafka.KafkaTestClients.idempotentProducer;
import static dev.nfct.kafka.KafkaTestClients.readAll;
import static dev.nfct.kafka.KafkaTestClients.transactionalProducer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nfct.flink.io.Topics;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One broker for the class; each test uses its own topics. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedKafkaITCase {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void listensOnTheLoopbackAddressOnly() throws IOException {
        assertThat(KAFKA.broker().bootstrapServers()).startsWith("127.0.0.1:");
        int port = Integer.parseInt(KAFKA.broker().bootstrapServers().substring("127.0.0.1:".length()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        }
        Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
        assumeTrue(external.isPresent(), "no non-loopback IPv4 address to try");
        for (int p : List.of(
                port, Integer.parseInt(KAFKA.broker().bootstrapControllers().split(":")[1]))) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(external.get(), p), 1_000);
                throw new AssertionError("port " + p + " answers on " + external.get());
            } catch (ConnectException | SocketTimeoutException expected) {
                // refused: nothing listens there
            }
        }
    }

    @Test
    void createsTheJobTopicsWithACompactedTable() throws Exception {
        Topics topics = Topics.defaults().withPrefix("create.");
        TopicSetup.createAll(topics, KAFKA.broker(), 3);
        try (Admin admin = Admin.create(KAFKA.broker().clientConfig())) {
            Map<String, TopicDescription> descriptions =
                    admin.describeTopics(topics.all()).allTopicNames().get();
            assertThat(descriptions).hasSize(4);
            descriptions.values().forEach(d -> {
                assertThat(d.partitions()).hasSize(3);
                d.partitions().forEach(p -> assertThat(p.leader()).isNotNull());
                d.partitions().forEach(p -> assertThat(p.replicas()).hasSize(1));
            });
            ConfigResource table = new ConfigResource(ConfigResource.Type.TOPIC, topics.table());
            ConfigResource packets = new ConfigResource(ConfigResource.Type.TOPIC, topics.packets());
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(List.of(table, packets)).all().get();
            assertThat(configs.get(table).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(configs.get(packets).get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(configs.get(packets).get("min.insync.replicas").value()).isEqualTo("1");
        }
    }

    @Test
    void idempotentProducerAndReadCommittedConsumerRoundTrip() {
        String topic = "roundtrip";
        KAFKA.broker().createTopic(topic, 4, Map.of());
        int n = 200;
        try (KafkaProducer<String, String> producer = idempotentProducer(KAFKA.broker())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, "flow-" + (i % 17), Integer.toString(i)));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, String>> records =
                readAll(KAFKA.broker(), topic, "read_committed", n, Duration.ofSeconds(15));
        assertThat(records).hasSize(n);
        // one key, one partition: its values in the order they were sent
        List<Integer> flow3 = records.stream()
                .filter(r -> r.key().equals("flow-3"))
                .map(r -> Integer.parseInt(r.value()))
                .toList();
        assertThat(flow3).isSorted().hasSize(12);
        assertThat(records.stream().map(ConsumerRecord::partition).distinct().count())
                .isGreaterThan(1);
    }

    @Test
    void readCommittedSeesCommittedTransactionsOnly() {
        String topic = "transactions";
        KAFKA.broker().createTopic(topic, 2, Map.of());
        try (KafkaProducer<String, String> producer = transactionalProducer(KAFKA.broker(), "nfct-test-tx")) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "committed-" + i));
            }
            producer.commitTransaction();

            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "aborted-" + i));
            }
            producer.flush(); // written to the log, then aborted
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k0", "committed-last"));
            producer.commitTransaction();
        }
        List<String> committed = values(readAll(KAFKA.broker(), topic, "read_committed", 6, Duration.ofSeconds(15)));
        assertThat(committed)
                .hasSize(6)
                .allMatch(v -> v.startsWith("committed-"))
                .contains("committed-0", "committed-4", "committed-last");
        List<String> everything =
                values(readAll(KAFKA.broker(), topic, "read_uncommitted", 11, Duration.ofSeconds(15)));
        assertThat(everything).hasSize(11).contains("aborted-0", "aborted-4");
    }

    @Test
    void compactedTopicConvenienceKeepsExtraSettings() throws Exception {
        KAFKA.broker().createCompactedTopic("compacted", 1, Map.of("min.compaction.lag.ms", "1000"));
        try (Admin admin = Admin.create(KAFKA.broker().clientConfig())) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "compacted");
            Config config = admin.describeConfigs(List.of(r)).all().get().get(r);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("min.compaction.lag.ms").value()).isEqualTo("1000");
        }
    }

    @Test
    void creatingAnExistingTopicFailsWithItsName() {
        KAFKA.broker().createTopic("twice", 1, Map.of());
        assertThatThrownBy(() -> KAFKA.broker().createTopic("twice", 1, Map.of()))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("'twice'")
                .hasMessageContaining("already exists");
    }

    @Test
    void impossibleReplicationFailsFastWithAClearMessage() {
        long started = System.nanoTime();
        assertThatThrownBy(() ->
                        KAFKA.broker().createTopic("three-replicas", 2, (short) 3, Map.of(), Duration.ofSeconds(10)))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("'three-replicas'")
                .hasMessageContaining("replication factor 3")
                .hasMessageContaining("only 1 broker(s)")
                .hasMessageContaining(KAFKA.broker().bootstrapServers());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void waitingForATopicThatNeverComesTimesOutWithAClearMessage() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> KAFKA.broker().awaitTopicReady("never-created", 2, Duration.ofMillis(400)))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("Timed out after")
                .hasMessageContaining("never-created: not in the metadata")
                .hasMessageContaining(KAFKA.broker().bootstrapServers());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void theExitGuardTurnsKafkasExitIntoAnException() {
        assertThatThrownBy(() -> Exit.halt(1, "simulated fatal error"))
                .isInstanceOf(EmbeddedKafka.EmbeddedKafkaFatalError.class)
                .hasMessageContaining("halt")
                .hasMessageContaining("simulated fatal error");
        assertThatThrownBy(() -> Exit.exit(2))
                .isInstanceOf(EmbeddedKafka.EmbeddedKafkaFatalError.class)
                .hasMessageContaining("status 2");
        assertThat(EmbeddedKafka.fatalError())
                .hasValueSatisfying(m -> assertThat(m).contains("simulated"));
        EmbeddedKafka.clearFatalError();
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        List<String> values = new ArrayList<>();
        records.forEach(r -> values.add(r.value()));
        return values;
    }
}
