package dev.nfct.flink;

import dev.nfct.kafka.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The job end to end against the in-JVM KRaft broker (no Docker needed). */
class KafkaConntrackJobITCase extends KafkaConntrackJobTestBase {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Override
    protected String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Test
    void theBrokerListensOnLoopbackOnly() {
        assertThat(bootstrapServers()).startsWith("127.0.0.1:");
    }
}
