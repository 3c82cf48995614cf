package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code send} command line without a broker: usage errors, help, an unreachable Kafka. */
class SendCommandTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--pcap x.pcap --timing slow | --timing must be 'top' or 'capture'",
                "--pcap x.pcap --rate fast | --rate must be a whole number of 0 or more",
                "--pcap x.pcap --rate -5 | --rate must be a whole number of 0 or more",
                "--pcap x.pcap --time-shift yesterday | --time-shift must be a duration",
                "--pcap x.pcap --timeout forever | --timeout must be a duration",
                "--pcap x.pcap --topic-prefix bad/name | --topic-prefix",
                "--pcap x.pcap --kafka-property nothing | --kafka-property needs KEY=VALUE",
                "--pcap x.pcap --frobnicate | unknown option '--frobnicate'",
                "--host h | --pcap FILE|- is required",
            })
    void aWrongCommandLineIsAUsageErrorInOneLine(String flags, String message) {
        List<String> argv = new ArrayList<>(List.of("--bootstrap-servers", "127.0.0.1:1"));
        argv.addAll(List.of(flags.trim().split(" ")));
        CommandRun r = CommandRun.of(SendCommand::run, argv.toArray(String[]::new));
        assertThat(r.status).as(r.err).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).startsWith("send: ").contains(message.trim());
        assertThat(r.err.lines()).hasSize(1);
    }

    @Test
    void bootstrapServersAreRequired() {
        CommandRun r = CommandRun.of(SendCommand::run, "--pcap", "x.pcap");
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err).isEqualTo("send: --bootstrap-servers HOST:PORT is required\n");
    }

    @Test
    void helpGoesToStandardOutput() {
        CommandRun r = CommandRun.of(SendCommand::run, "--help");
        assertThat(r.status).isZero();
        assertThat(r.out)
                .startsWith(
                        "usage: send --bootstrap-servers HOST:PORT --pcap FILE|- [--host NAME] [--timing top|capture]");
        assertThat(Main.usage()).contains("send --bootstrap-servers HOST:PORT --pcap FILE|-");
    }

    @Test
    void unreachableKafkaFailsInOneLineWithinTheTimeout() {
        CommandRun r = CommandRun.of(SendCommand::run, "-b", "127.0.0.1:1", "--pcap", "x.pcap", "--timeout", "1s");
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err).startsWith("send: cannot reach Kafka at 127.0.0.1:1 within 1 s");
        assertThat(r.err.lines()).hasSize(1);
        assertThat(r.millis).isLessThan(15_000);
    }
}
