package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.packet.ShortTcpCapture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as users start it, in its own JVM: {@code demo --once} writes the events and
 * nothing else to standard output, and its standard error has no stack trace when all is well;
 * a wrong option fails at once, before a broker starts.
 */
class DemoOutputITCase {
    private static final Path JAR = Path.of("target", "conntrack-job.jar");

    @TempDir
    Path dir;

    private record Run(int status, List<String> out, String err, long millis) {}

    private Run jar(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("jar " + String.join(" ", args) + " did not end in 5 minutes");
        }
        return new Run(
                p.exitValue(),
                Files.readAllLines(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8),
                (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void demoOnceWritesOnlyEventsAndNoStackTrace() throws Exception {
        assertThat(JAR).exists();
        Path capture = ShortTcpCapture.write(dir.resolve("short.pcap"), 20_000);
        Run replay = jar("replay", "--pcap", capture.toString());
        Run demo = jar("demo", "--pcap", capture.toString(), "--once");
        assertThat(demo.status).as(demo.err).isZero();
        assertThat(demo.out).hasSize(120_000).isEqualTo(replay.out);
        assertThat(demo.err).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void aWrongOptionFailsBeforeABrokerStarts() throws Exception {
        Run r = jar("demo", "--web-port", "eighty");
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err.lines()).containsExactly("demo: --web-port must be a port number, not 'eighty'");
        Run missing = jar("demo", "--pcap", dir.resolve("absent.pcap").toString(), "--once");
        assertThat(missing.status).isEqualTo(1);
        assertThat(missing.err).doesNotContain("broker");
        assertThat(missing.err.lines()).hasSize(1);
    }
}
