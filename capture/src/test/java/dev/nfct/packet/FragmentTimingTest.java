package dev.nfct.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.core.Conntrack;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.Settings;
import dev.nfct.core.proto.Trackers;
import dev.nfct.pcap.PcapBytes;
import dev.nfct.replay.AtEnd;
import dev.nfct.replay.CaptureReplay;
import dev.nfct.replay.FrameVerdict;
import dev.nfct.replay.Timing;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two halves of a UDP datagram captured 40 s apart: the kernel gives the datagram up after
 * 30 s when the capture is replayed in its own timing, and reassembles it when the capture is
 * replayed at top speed (as the oracle does).
 */
class FragmentTimingTest {
    private static final String A = "10.0.0.1", B = "10.0.0.2";
    private static final byte[] UDP = Pkt.udp(5000, 6000, new byte[40]);

    private static PcapBytes capture() {
        byte[] first = Pkt.ether(0x0800, Pkt.ipv4(17, A, B, 9, 0, true, Arrays.copyOf(UDP, 24)));
        byte[] last = Pkt.ether(0x0800, Pkt.ipv4(17, A, B, 9, 24, false, Arrays.copyOfRange(UDP, 24, 48)));
        return PcapBytes.classic(1).record(1000, 0, first).record(1040, 0, last);
    }

    private static List<String> replay(Timing timing) throws IOException {
        // The replay's settings (checksums not checked): this capture's UDP checksum is not summed.
        Settings settings = Settings.replayDefaults();
        Conntrack engine = new Conntrack(settings, Trackers.standard(settings), new HashConnTable(), null);
        try (CaptureReader reader = new CaptureReader(capture().stream(), "frag.pcap")) {
            return new CaptureReplay(engine, timing, AtEnd.KEEP)
                    .run(reader).stream().map(FrameVerdict::line).toList();
        }
    }

    @Test
    void captureTimingGivesTheDatagramUp() throws IOException {
        assertThat(replay(Timing.CAPTURE)).containsExactly("1 unseen -", "2 unseen -");
    }

    @Test
    void topSpeedReassemblesIt() throws IOException {
        assertThat(replay(Timing.TOP)).containsExactly("1 new original", "2 frag -");
    }

    @Test
    void readerWithoutTheCaptureClockNeverGivesUp() throws IOException {
        try (CaptureReader reader = new CaptureReader(capture().stream(), "frag.pcap")) {
            CapturedDatagram d = reader.next();
            assertThat(d.frameNumber()).isEqualTo(1);
            assertThat(d.absorbedFrames()).containsExactly(2);
        }
    }

    @Test
    void theClockDoesNotGoBackForAFrameStampedEarlier() throws IOException {
        byte[] first = Pkt.ether(0x0800, Pkt.ipv4(17, A, B, 9, 0, true, Arrays.copyOf(UDP, 24)));
        byte[] other = Pkt.ether(0x0800, Pkt.ipv4(17, A, B, Pkt.udp(5001, 6000, new byte[8])));
        byte[] last = Pkt.ether(0x0800, Pkt.ipv4(17, A, B, 9, 24, false, Arrays.copyOfRange(UDP, 24, 48)));
        // the last fragment is stamped 10 s after the first, but comes after a frame of 40 s
        PcapBytes file = PcapBytes.classic(1)
                .record(1000, 0, first)
                .record(1040, 0, other)
                .record(1010, 0, last);
        Settings settings = Settings.replayDefaults();
        Conntrack engine = new Conntrack(settings, Trackers.standard(settings), new HashConnTable(), null);
        try (CaptureReader reader = new CaptureReader(file.stream(), "frag.pcap")) {
            assertThat(new CaptureReplay(engine, Timing.CAPTURE, AtEnd.KEEP)
                            .run(reader).stream().map(FrameVerdict::line))
                    .containsExactly("1 unseen -", "2 new original", "3 unseen -");
        }
    }
}
