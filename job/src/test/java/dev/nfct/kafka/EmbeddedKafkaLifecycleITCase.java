package dev.nfct.kafka;

import static dev.nfct.kafka.KafkaTestClients.idempotentProducer;
import static dev.nfct.kafka.KafkaTestClients.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedKafkaLifecycleITCase {
    /**
     * Threads that outlive a broker by design: Yammer's JVM-wide metrics tick thread (one per JVM,
     * started by the first broker), and the JDK's shared pools.
     */
    private static final Pattern JVM_WIDE = Pattern.compile("metrics-meter-tick-thread-\\d+|ForkJoinPool\\.commonPool.*"
            + "|process reaper|Attach Listener|Common-Cleaner");

    @Test
    void closeIsQuickIdempotentRemovesTheDataAndLeavesNoBrokerThreads() throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        EmbeddedKafka kafka = EmbeddedKafka.start();
        Path dir = kafka.dataDir();
        kafka.createTopic("some-topic", 2, Map.of());
        try (KafkaProducer<String, String> producer = idempotentProducer(kafka)) {
            producer.send(new ProducerRecord<>("some-topic", "k", "v")).get();
        }
        assertThat(newThreads(before)).isNotEmpty();

        long started = System.nanoTime();
        kafka.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        kafka.close(); // no-op

        assertThat(kafka.isClosed()).isTrue();
        assertThat(dir).doesNotExist();
        assertThatThrownBy(() -> kafka.createTopic("late", 1, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        List<String> left = newThreads(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = newThreads(before);
        }
        assertThat(left).as("threads still alive after close").isEmpty();
    }

    @Test
    void aGivenDataDirectoryKeepsTopicsAndRecordsAcrossARestart(@TempDir Path dir) {
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, Map.of("log.retention.ms", "-1"))) {
            clusterId = kafka.clusterId();
            kafka.createCompactedTopic("kept", 1);
            try (KafkaProducer<String, String> producer = idempotentProducer(kafka)) {
                producer.send(new ProducerRecord<>("kept", "flow-1", "state-1"));
                producer.flush();
            }
        }
        assertThat(dir).isDirectory();
        assertThat(dir.resolve("logs").resolve("meta.properties")).isRegularFile();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, Map.of())) {
            assertThat(kafka.clusterId()).isEqualTo(clusterId);
            kafka.awaitTopicReady("kept", 1, Duration.ofSeconds(20));
            assertThat(readAll(kafka, "kept", "read_committed", 1, Duration.ofSeconds(10)))
                    .singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo("state-1"));
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains("kept");
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(Files.exists(dir)).isTrue();
    }

    private static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(name -> !JVM_WIDE.matcher(name).matches())
                .sorted()
                .collect(Collectors.collectingAndThen(Collectors.toList(), Collections::unmodifiableList));
    }
}
