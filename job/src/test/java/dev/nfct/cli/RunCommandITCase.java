package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.flink.io.Topics;
import dev.nfct.kafka.EmbeddedKafka;
import dev.nfct.kafka.EmbeddedKafkaExtension;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.packet.ShortTcpCapture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} against Kafka that is not as it should be: it stops at once with one line saying
 * what is wrong, and a job whose checkpoints keep failing stops and says so, instead of retrying
 * for ever.
 */
class RunCommandITCase {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void unreachableKafkaStopsTheRunWithOneLine() {
        CommandRun r = CommandRun.of(RunCommand::run, "--bootstrap-servers", "127.0.0.1:1", "--timeout", "2s");
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err.lines()).hasSize(1);
        assertThat(r.err).startsWith("run: cannot reach Kafka at 127.0.0.1:1 within 2 s");
        assertThat(r.millis).as("no retrying for ever").isLessThan(20_000);
    }

    @Test
    void missingTopicsAreNamed() {
        EmbeddedKafka kafka = KAFKA.broker();
        CommandRun r = CommandRun.of(
                RunCommand::run, "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", "absent.");
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err.lines()).hasSize(1);
        assertThat(r.err)
                .contains("absent.conntrack.packets")
                .contains("absent.conntrack.dead-letters")
                .contains("do not exist on " + kafka.bootstrapServers());
    }

    @Test
    void aCheckpointDirectoryThatCannotBeWrittenStopsTheRunWithItsCause() {
        EmbeddedKafka kafka = KAFKA.broker();
        TopicSetup.createAll(Topics.defaults().withPrefix("nodir."), kafka, 1);
        CommandRun r = CommandRun.of(
                RunCommand::run,
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic-prefix",
                "nodir.",
                // nothing can be created under /proc, not even by root
                "--checkpoint-dir",
                "file:///proc/nfct-checkpoints-cannot-go-here");
        assertThat(r.status).as(r.err).isEqualTo(1);
        assertThat(r.err).contains("run: job failed: ").contains("/proc/nfct-checkpoints-cannot-go-here");
    }

    /**
     * Checkpoints kept in the JobManager's memory fail once the table passes 5 MB: the job must
     * stop and say so, not restart for ever (before, it was at attempt 18 after ten minutes).
     */
    @Test
    void aJobWhoseCheckpointsKeepFailingStopsAndSaysSo(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.broker();
        TopicSetup.createAll(Topics.defaults().withPrefix("bigstate."), kafka, 1);
        Path capture = ShortTcpCapture.write(dir.resolve("short.pcap"), 60_000);
        CommandRun send = CommandRun.of(
                SendCommand::run,
                "-b",
                kafka.bootstrapServers(),
                "--pcap",
                capture.toString(),
                "--host",
                "h",
                "--topic-prefix",
                "bigstate.",
                "--time-shift",
                "now");
        assertThat(send.status).as(send.err).isZero();
        CommandRun r = CommandRun.of(
                RunCommand::run,
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic-prefix",
                "bigstate.",
                "--parallelism",
                "1",
                "--checkpoint-interval",
                "200ms",
                "--checkpoint-dir",
                dir.resolve("checkpoints").toUri().toString(),
                "--set",
                "execution.checkpointing.storage=jobmanager",
                "--set",
                "restart-strategy.fixed-delay.delay=100ms");
        assertThat(r.status).as(r.err).isEqualTo(1);
        assertThat(r.err).contains("run: job failed: checkpoints kept failing");
        assertThat(r.err.lines()).as(r.err).hasSizeLessThanOrEqualTo(3);
    }
}
