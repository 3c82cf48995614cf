package dev.nfct.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nfct.flink.io.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopicSetupITCase {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void ensureTopicsCreatesWhatIsMissingOnce() throws Exception {
        Topics topics = Topics.defaults().withPrefix("ensure.");
        KAFKA.broker().createTopic(topics.deadLetters(), 1, Map.of()); // exists already, with another partition count

        assertThat(TopicSetup.ensureTopics(topics, KAFKA.broker().bootstrapServers(), 3))
                .containsExactly(topics.packets(), topics.flowEvents(), topics.table());
        assertThat(TopicSetup.ensureTopics(topics, KAFKA.broker().bootstrapServers(), 3))
                .isEmpty();

        try (Admin admin = Admin.create(KAFKA.broker().clientConfig())) {
            Map<String, TopicDescription> d =
                    admin.describeTopics(topics.all()).allTopicNames().get(10, TimeUnit.SECONDS);
            assertThat(d.get(topics.packets()).partitions()).hasSize(3);
            assertThat(d.get(topics.deadLetters()).partitions()).hasSize(1); // left alone
        }
    }

    @Test
    void anExistingTableTopicThatIsNotCompactedIsAnError() {
        Topics topics = Topics.defaults().withPrefix("wrong.");
        KAFKA.broker().createTopic(topics.table(), 1, Map.of("cleanup.policy", "delete"));
        assertThatThrownBy(() -> TopicSetup.ensureTopics(
                        topics,
                        Map.of("bootstrap.servers", KAFKA.broker().bootstrapServers()),
                        1,
                        Duration.ofSeconds(20)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'wrong.conntrack.table'")
                .hasMessageContaining("cleanup.policy=delete");
    }

    @Test
    void compactAndDeleteCountsAsCompacted() {
        Topics topics = Topics.defaults().withPrefix("both.");
        KAFKA.broker().createTopic(topics.table(), 1, Map.of("cleanup.policy", "compact,delete"));
        assertThat(TopicSetup.ensureTopics(topics, KAFKA.broker().bootstrapServers(), 1))
                .doesNotContain(topics.table())
                .hasSize(3);
    }
}
