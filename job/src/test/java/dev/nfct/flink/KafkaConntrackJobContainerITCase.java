package dev.nfct.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The job end to end against Kafka in a container (Testcontainers), as on a developer machine with
 * Docker. Skipped, with JUnit's "disabled" message, where no Docker engine is available.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaConntrackJobContainerITCase extends KafkaConntrackJobTestBase {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @Override
    protected String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }

    @Test
    void theContainerBrokerIsRunning() {
        assertThat(KAFKA.isRunning()).isTrue();
    }
}
