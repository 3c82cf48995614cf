package dev.nfct.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code bench} at toy sizes: every run of the plan completes (the in-memory jobs, the Kafka job
 * and the passthrough job against the in-JVM broker) and standard output is exactly the one line
 * tools read. The figures themselves are for the benchmark, not for a test.
 */
class BenchCommandITCase {
    @Test
    void endsWithTheOneLineToolsRead() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchCommand.run(
                new String[] {
                    "--packets", "40000", "--kafka-packets", "20000", "--small-table", "1000", "--big-table", "10000"
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String errText = err.toString(StandardCharsets.UTF_8);
        assertThat(status).as(errText).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .matches("bench: full_vs_passthrough=\\d+\\.\\d\\d no_kafka_vs_count=\\d+\\.\\d\\d pps_per_core=\\d+"
                        + " big_vs_small_table=\\d+\\.\\d\\d two_vs_one_core=\\d+\\.\\d\\d\\n");
        assertThat(errText).contains("RocksDB", "passthrough", "short_tcp", "new_udp", "mix");
    }
}
