package dev.nfct.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class KafkaJobOptionsTest {
    @Test
    void theClusterJarsArgumentsAreFlinkOptionsInThreeSpellings() {
        Configuration c = JobArgs.parse(new String[] {
            "--conntrack.kafka.bootstrap-servers",
            "kafka:9092",
            "--conntrack.kafka.topic-prefix=site-a.",
            "-Dconntrack.nf_conntrack_acct=1"
        });
        assertThat(KafkaJobOptions.bootstrapServers(c)).isEqualTo("kafka:9092");
        assertThat(KafkaJobOptions.topics(c).packets()).isEqualTo("site-a.conntrack.packets");
        assertThat(c.toMap()).containsEntry("conntrack.nf_conntrack_acct", "1");
        assertThatThrownBy(() -> JobArgs.parse(new String[] {"kafka:9092"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--KEY VALUE");
        assertThatThrownBy(() -> JobArgs.parse(new String[] {"--conntrack.kafka.bootstrap-servers"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingOrWrongSettingIsNamedBeforeTheJobStarts() {
        Configuration c = new Configuration();
        assertThatThrownBy(() -> KafkaJobOptions.validate(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conntrack.kafka.bootstrap-servers");
        c.set(KafkaJobOptions.BOOTSTRAP_SERVERS, "kafka:9092");
        KafkaJobOptions.validate(c);
        c.setString("conntrack.out-of-orderness", "soon");
        assertThatThrownBy(() -> KafkaJobOptions.validate(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conntrack.out-of-orderness");
        c.setString("conntrack.out-of-orderness", "5s");
        c.setString("conntrack.nf_conntrack_tcp_loose", "yes");
        assertThatThrownBy(() -> KafkaJobOptions.validate(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conntrack.nf_conntrack_tcp_loose");
    }

    @Test
    void kafkaClientSettingsComeFromTheirPrefixAndTheGroupIsTheDefaultTransactionalPrefix() {
        Configuration c = new Configuration();
        c.setString("conntrack.kafka.properties.security.protocol", "SASL_SSL");
        c.set(KafkaJobOptions.GROUP_ID, "site-a");
        assertThat(KafkaJobOptions.kafkaProperties(c))
                .containsEntry("security.protocol", "SASL_SSL")
                .hasSize(1);
        assertThat(KafkaJobOptions.transactionalIdPrefix(c)).isEqualTo("site-a");
        c.set(KafkaJobOptions.TRANSACTIONAL_ID_PREFIX, "tx-a");
        assertThat(KafkaJobOptions.transactionalIdPrefix(c)).isEqualTo("tx-a");
    }
}
