package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every wrong {@code run} command line is a usage error: exit 2 with one line on standard error
 * naming what is wrong, before anything connects to Kafka or starts Flink.
 */
class RunCommandTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--parallelism abc | --parallelism must be a whole number",
                "--parallelism -1 | --parallelism must be a whole number from 1",
                "--parallelism 0 | --parallelism must be a whole number from 1",
                "--create-topics 0 | --create-topics must be a whole number from 1 to 10000",
                "--create-topics 999999999 | --create-topics must be a whole number from 1 to 10000",
                "--checkpoint-interval soon | --checkpoint-interval must be a duration",
                "--checkpoint-interval 0s | --checkpoint-interval must be more than 0",
                "--timeout never | --timeout must be a duration",
                "--set conntrack.nf_conntrack_foo=1 | unknown option conntrack.nf_conntrack_foo",
                "--set conntrack.nf_conntrack_log_invalid=1 | nf_conntrack_log_invalid is not implemented",
                "--set conntrack.nf_conntrack_acct=2 | nf_conntrack_acct",
                "--set conntrack.pending-timeout=soon | conntrack.pending-timeout",
                "--kafka-property novalue | --kafka-property needs KEY=VALUE",
                "--kafka-config /nonexistent/client.properties | --kafka-config /nonexistent/client.properties: no such file",
                "--kafka-property bootstrap.servers=x:1 | give the brokers with --bootstrap-servers",
                "--no-such-flag | unknown option '--no-such-flag'",
            })
    void aWrongCommandLineIsAUsageErrorInOneLine(String flags, String message) {
        List<String> argv = new ArrayList<>(List.of("--bootstrap-servers", "127.0.0.1:1"));
        argv.addAll(List.of(flags.trim().split(" ")));
        CommandRun r = CommandRun.of(RunCommand::run, argv.toArray(String[]::new));
        assertThat(r.status).as(r.err).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).contains(message.trim());
        assertThat(r.err.lines()).as("one line").hasSize(1);
    }
}
