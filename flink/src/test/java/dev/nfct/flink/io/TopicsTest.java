package dev.nfct.flink.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void defaultNames() {
        Topics topics = Topics.defaults();
        assertThat(topics.packets()).isEqualTo("conntrack.packets");
        assertThat(topics.flowEvents()).isEqualTo("conntrack.flow-events");
        assertThat(topics.table()).isEqualTo("conntrack.table");
        assertThat(topics.deadLetters()).isEqualTo("conntrack.dead-letters");
        assertThat(topics.all()).containsExactly(Topics.PACKETS, Topics.FLOW_EVENTS, Topics.TABLE, Topics.DEAD_LETTERS);
    }

    @Test
    void prefixIsPutInFrontAsItIs() {
        Topics topics = Topics.defaults().withPrefix("ci-42.");
        assertThat(topics.all())
                .containsExactly(
                        "ci-42.conntrack.packets",
                        "ci-42.conntrack.flow-events",
                        "ci-42.conntrack.table",
                        "ci-42.conntrack.dead-letters");
        assertThat(Topics.defaults().withPrefix("")).isSameAs(Topics.defaults());
        assertThat(topics.withPrefix("a_")).isEqualTo(Topics.defaults().withPrefix("a_ci-42."));
    }

    @Test
    void onlyTheTableIsCompacted() {
        Topics topics = Topics.defaults().withPrefix("x.");
        assertThat(topics.configFor("x.conntrack.table")).isEqualTo(Map.of("cleanup.policy", "compact"));
        Map<String, String> week = Map.of("cleanup.policy", "delete", "retention.ms", "604800000");
        assertThat(topics.configFor("x.conntrack.packets")).isEqualTo(week);
        assertThat(topics.configFor("x.conntrack.flow-events")).isEqualTo(week);
        assertThat(topics.configFor("x.conntrack.dead-letters"))
                .isEqualTo(Map.of("cleanup.policy", "delete", "retention.ms", "2592000000"));
        assertThatThrownBy(() -> topics.configFor("conntrack.table")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newTopicsCarryPartitionsReplicationAndSettings() {
        List<NewTopic> topics = Topics.defaults().newTopics(6, Optional.empty());
        assertThat(topics)
                .extracting(NewTopic::name)
                .containsExactlyElementsOf(Topics.defaults().all());
        assertThat(topics).allSatisfy(t -> {
            assertThat(t.numPartitions()).isEqualTo(6);
            assertThat(t.replicationFactor()).isEqualTo((short) -1); // the cluster's default
        });
        assertThat(topics.get(2).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.defaults().newTopics(1, Optional.of((short) 3)).get(0).replicationFactor())
                .isEqualTo((short) 3);
        assertThatThrownBy(() -> Topics.defaults().newTopics(0, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNamesKafkaWouldReject() {
        assertThatThrownBy(() -> Topics.defaults().withPrefix("with space.")).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> Topics.defaults().withPrefix("x".repeat(240)))
                .isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> new Topics("a", "b", "", "d")).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> new Topics("a", "b", "a", "d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different");
    }
}
