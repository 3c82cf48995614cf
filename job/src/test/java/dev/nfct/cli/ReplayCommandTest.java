package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code replay} command line, which other tools build on: its output and its errors. */
class ReplayCommandTest {
    private static final Path SAMPLE = SharedData.projectRoot().resolve("samples/sample.pcap");

    private record Run(int status, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
        }
    }

    private static Run replay(String... args) {
        CommandRun r = CommandRun.of(ReplayCommand::run, args);
        return new Run(r.status, r.out, r.err);
    }

    @Test
    void printsEventsAsConntrackExtendedWithoutTimestamps() {
        Run r = replay("--pcap", SAMPLE.toString());
        assertThat(r.status).isZero();
        assertThat(r.lines())
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l)
                        .matches("^( {4}\\[NEW\\]| \\[UPDATE\\]|\\[DESTROY\\]) ipv[46] {5}(2|10) \\S+ +\\d+ .*[^ ]$"));
        assertThat(r.lines().get(0))
                .startsWith(
                        "    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=192.0.2.1 dst=192.0.2.2 sport=40080 dport=8000 [UNREPLIED]");
    }

    @Test
    void sameCaptureGivesTheSameEventsEveryTime() {
        assertThat(replay("--pcap", SAMPLE.toString()).out).isEqualTo(replay("--pcap", SAMPLE.toString()).out);
    }

    @Test
    void ctinfoFileHasOneLinePerIpFrame(@TempDir Path tmp) throws Exception {
        Path ctinfo = tmp.resolve("ctinfo");
        Run r = replay("--pcap", SAMPLE.toString(), "--ctinfo", ctinfo.toString());
        assertThat(r.status).isZero();
        List<String> lines = Files.readAllLines(ctinfo);
        assertThat(lines)
                .allSatisfy(
                        l -> assertThat(l)
                                .matches(
                                        "^\\d+ (new original|established (original|reply)|related (original|reply)|invalid -|untracked -|frag -|unseen -)$"));
        // The capture starts with ARP (frames 1-2), which never reaches conntrack: no line for those.
        assertThat(lines.get(0)).isEqualTo("3 new original");
        assertThat(lines)
                .anyMatch(l -> l.endsWith("untracked -")) // IPv6 neighbour discovery
                .anyMatch(l -> l.endsWith("related reply")); // ICMP port unreachable
    }

    @Test
    void captureTimingExpiresEntriesAtTheEnd() {
        Run r = replay("--pcap", SAMPLE.toString(), "--timing", "capture", "--at-end", "expire");
        assertThat(r.status).isZero();
        long news = r.lines().stream().filter(l -> l.contains("[NEW]")).count();
        long destroys =
                r.lines().stream().filter(l -> l.startsWith("[DESTROY]")).count();
        assertThat(destroys).isEqualTo(news);
    }

    @Test
    void missingCaptureIsAClearError() {
        Run r = replay("--pcap", "/nonexistent/x.pcap");
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err).contains("/nonexistent/x.pcap").contains("no such file");
    }

    @Test
    void truncatedCaptureNamesTheFrame(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(SAMPLE);
        Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 10));
        Run r = replay("--pcap", cut.toString());
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err).contains("cut.pcap").containsPattern("frame \\d+");
    }

    @Test
    void unknownOptionAndBadTimingAreUsageErrors() {
        assertThat(replay("--pcap", SAMPLE.toString(), "--bogus").status).isEqualTo(2);
        Run r = replay("--pcap", SAMPLE.toString(), "--timing", "slow");
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err).contains("--timing");
        assertThat(replay().status).isEqualTo(2);
    }

    @Test
    void settingsCanBeChangedBySysctlName() {
        Run r = replay("--pcap", SAMPLE.toString(), "--set", "nf_conntrack_udp_timeout=7");
        assertThat(r.status).isZero();
        assertThat(r.lines()).anyMatch(l -> l.contains("udp      17 7 "));
        assertThat(replay("--pcap", SAMPLE.toString(), "--set", "nf_conntrack_nope=1").status)
                .isEqualTo(2);
    }

    @Test
    void normalizedFormatMatchesTheOracleLayout() {
        Run r = replay("--pcap", SAMPLE.toString(), "--format", "normalized");
        assertThat(r.lines())
                .allSatisfy(l -> assertThat(l)
                        .matches("^(NEW|UPDATE|DESTROY) ipv[46] \\S+ \\S+ \\S+ \\| .* \\| .* \\| \\S+ \\| .*$"));
    }
}
