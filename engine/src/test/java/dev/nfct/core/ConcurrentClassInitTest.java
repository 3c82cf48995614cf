package dev.nfct.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two threads that first use the engine at the same moment (two subtasks of the job in one JVM)
 * must not wait for each other's class initialization: the entry types once deadlocked that way.
 * Class initialization happens once per JVM, so each try runs in a fresh one.
 */
class ConcurrentClassInitTest {
    /** Entry point of the fresh JVM: two threads create a TCP and a plain entry at once. */
    public static void main(String[] args) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        Thread tcp = new Thread(() -> {
            await(start);
            Settings s = new Settings();
            dev.nfct.core.proto.Trackers.standard(s).get(Packet.IPPROTO_TCP).entryType();
        });
        Thread plain = new Thread(() -> {
            await(start);
            Settings s = new Settings();
            // a protocol with no tracker of its own: the generic one, whose entries are plain
            dev.nfct.core.proto.Trackers.standard(s).get(200).entryType().dataKind();
        });
        tcp.start();
        plain.start();
        tcp.join(10_000);
        plain.join(10_000);
        System.exit(tcp.isAlive() || plain.isAlive() ? 3 : 0);
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void twoThreadsInitialisingTheEngineAtOnceBothFinish() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < 8; i++) {
            Process p = new ProcessBuilder(List.of(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            getClass().getName()))
                    .inheritIO()
                    .start();
            boolean ended = p.waitFor(30, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            assertThat(ended && p.exitValue() == 0)
                    .as("try %d: class initialization deadlocked", i)
                    .isTrue();
        }
    }
}
