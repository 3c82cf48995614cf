package dev.nfct.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The broker settings, checked without starting a broker. */
class EmbeddedKafkaTest {
    @Test
    void singleNodeSettingsOnTheLoopbackAddress() {
        Properties p = EmbeddedKafka.brokerProperties(Path.of("/data"), 9092, 9093, Map.of());
        assertThat(p.getProperty("process.roles")).isEqualTo("broker,controller");
        assertThat(p.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
        assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9092");
        assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:9093");
        assertThat(p.getProperty("log.dirs"))
                .isEqualTo(Path.of("/data/logs").toAbsolutePath().toString());
        for (String key : new String[] {
            "default.replication.factor",
            "min.insync.replicas",
            "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor",
            "transaction.state.log.min.isr",
            "share.coordinator.state.topic.replication.factor"
        }) {
            assertThat(p.getProperty(key)).as(key).isEqualTo("1");
        }
        assertThat(p.getProperty("group.initial.rebalance.delay.ms")).isEqualTo("0");
        assertThat(p.getProperty("auto.create.topics.enable")).isEqualTo("false");
        // KafkaSink exactly-once needs transaction.timeout.ms <= this; keep Kafka's 15 min default
        assertThat(p.getProperty("transaction.max.timeout.ms")).isNull();
    }

    @Test
    void extraPropertiesOverrideTheDefaults() {
        Properties p = EmbeddedKafka.brokerProperties(
                Path.of("/data"), 1, 2, Map.of("num.partitions", "8", "transaction.max.timeout.ms", "3600000"));
        assertThat(p.getProperty("num.partitions")).isEqualTo("8");
        assertThat(p.getProperty("transaction.max.timeout.ms")).isEqualTo("3600000");
    }

    @Test
    void theAddressesAndRolesCannotBeOverridden() {
        assertThatThrownBy(() -> EmbeddedKafka.start(null, Map.of("listeners", "PLAINTEXT://0.0.0.0:9092")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'listeners'");
        assertThatThrownBy(() -> EmbeddedKafka.start(null, Map.of("node.id", "7")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
