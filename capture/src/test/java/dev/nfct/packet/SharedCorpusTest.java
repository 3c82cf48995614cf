package dev.nfct.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nfct.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Reads every capture of the shared reference corpus (beside the project, never copied into it) and
 * checks that each IP frame the reference trace lists is accounted for exactly once: as a datagram
 * we hand to conntrack, or as a fragment absorbed into one.
 */
class SharedCorpusTest {

    @Test
    void everySharedCaptureReadsCleanlyAndMatchesItsTraceFrameForFrame() throws IOException {
        assumeTrue(SharedData.pcaps() != null, "shared capture corpus not present beside the project");
        List<Path> files = SharedData.captures();
        assumeTrue(!files.isEmpty(), "shared capture corpus is empty");

        int checked = 0;
        for (Path pcap : files) {
            String name = pcap.getFileName().toString();
            Path trace = pcap.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".events.trace");
            TreeSet<Integer> delivered = new TreeSet<>(), absorbed = new TreeSet<>();
            int count = 0;
            try (CaptureReader r = CaptureReader.open(pcap)) {
                for (CapturedDatagram d; (d = r.next()) != null; ) {
                    delivered.add(d.frameNumber());
                    for (int f : d.absorbedFrames()) {
                        absorbed.add(f);
                    }
                    count += 1 + d.absorbedFrames().length;
                }
                count += r.unseenFrames().size();
            }
            if (!Files.exists(trace)) {
                continue; // read without error is all we can check
            }
            TreeSet<Integer> traceFrames = new TreeSet<>(), traceFrags = new TreeSet<>();
            List<String> lines = Files.readAllLines(trace);
            for (String line : lines) {
                String[] f = line.split(" ", 3);
                (f[1].equals("frag") ? traceFrags : traceFrames).add(Integer.parseInt(f[0]));
            }
            assertThat(count)
                    .as("%s: datagrams + absorbed fragments vs trace lines", name)
                    .isEqualTo(lines.size());
            assertThat(delivered).as("%s: frames handed to conntrack", name).isEqualTo(traceFrames);
            assertThat(absorbed).as("%s: absorbed fragment frames", name).isEqualTo(traceFrags);
            checked++;
        }
        assertThat(checked).isPositive();
    }
}
