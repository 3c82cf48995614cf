package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.packet.ShortTcpCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code conformance} command: its option rules, and the timed kind's end (engine only here). */
class ConformanceCommandTest {
    @TempDir
    Path dir;

    @Test
    void theJobInCaptureTimingNeedsEveryEntryExpiredAndFlushIsNoChoice() throws Exception {
        Files.createDirectories(dir.resolve("in"));
        String in = dir.resolve("in").toString(), out = dir.resolve("out").toString();
        for (String[] argv : List.of(
                new String[] {"--captures", in, "--out", out, "--flink", "--timing", "capture"},
                new String[] {"--captures", in, "--out", out, "--flink", "--at-end", "expire"},
                new String[] {"--captures", in, "--out", out, "--at-end", "flush"})) {
            CommandRun r = CommandRun.of(ConformanceCommand::run, argv);
            assertThat(r.status).as(r.err).isEqualTo(2);
            assertThat(r.err).startsWith("conformance: ");
            assertThat(r.err.lines()).hasSize(1);
        }
    }

    @Test
    void atEndExpireEndsEveryEntryWithItsDestroyEventAndLeavesNoTable() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        ShortTcpCapture.write(in.resolve("short.pcap"), 3);
        CommandRun r = CommandRun.of(
                ConformanceCommand::run,
                "--captures",
                in.toString(),
                "--out",
                dir.resolve("out").toString(),
                "--timing",
                "capture",
                "--at-end",
                "expire",
                "--set",
                "nf_conntrack_tcp_timeout_time_wait=5");
        assertThat(r.status).as(r.err).isZero();
        List<String> events = Files.readAllLines(dir.resolve("out/short.engine.events"));
        assertThat(events)
                .filteredOn(l -> l.startsWith("DESTROY "))
                .hasSize(3)
                .allSatisfy(l -> assertThat(l).contains(" tcp TIME_WAIT ", "| ASSURED | packets=4:2 bytes=160:80"));
        assertThat(Files.readAllLines(dir.resolve("out/short.engine.table"))).isEmpty();
    }
}
