package dev.nfct.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.kafka.EmbeddedKafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job end to end against the in-JVM KRaft broker (no Docker needed). */
class KafkaConntrackJobITCase extends KafkaConntrackJobTestBase {
    /** Registered after the superclass's MiniCluster: started after it, closed before it. */
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Override
    protected String bootstrapServers() {
        return KAFKA.broker().bootstrapServers();
    }

    @Test
    void theBrokerListensOnLoopbackOnly() {
        assertThat(bootstrapServers()).startsWith("127.0.0.1:");
    }
}
