package dev.nfct.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopicsITCase {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void ensureTopicsCreatesWhatIsMissingOnce() throws Exception {
        Topics topics = Topics.defaults().withPrefix("ensure.");
        kafka.createTopic(topics.deadLetters(), 1, Map.of()); // exists already, with another partition count

        assertThat(topics.ensureTopics(kafka.bootstrapServers(), 3))
                .containsExactly(topics.packets(), topics.flowEvents(), topics.table());
        assertThat(topics.ensureTopics(kafka.bootstrapServers(), 3)).isEmpty();

        try (Admin admin = Admin.create(kafka.clientConfig())) {
            Map<String, TopicDescription> d = admin.describeTopics(topics.all()).allTopicNames().get(10, TimeUnit.SECONDS);
            assertThat(d.get(topics.packets()).partitions()).hasSize(3);
            assertThat(d.get(topics.deadLetters()).partitions()).hasSize(1); // left alone
        }
    }

    @Test
    void anExistingTableTopicThatIsNotCompactedIsAnError() {
        Topics topics = Topics.defaults().withPrefix("wrong.");
        kafka.createTopic(topics.table(), 1, Map.of("cleanup.policy", "delete"));
        assertThatThrownBy(() -> topics.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()), 1,
                Duration.ofSeconds(20)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'wrong.conntrack.table'")
                .hasMessageContaining("cleanup.policy=delete");
    }

    @Test
    void compactAndDeleteCountsAsCompacted() {
        Topics topics = Topics.defaults().withPrefix("both.");
        kafka.createTopic(topics.table(), 1, Map.of("cleanup.policy", "compact,delete"));
        assertThat(topics.ensureTopics(kafka.bootstrapServers(), 1)).doesNotContain(topics.table()).hasSize(3);
    }
}
