package dev.nfct.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.core.Conn;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.Conntrack;
import dev.nfct.core.CtInfo;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.PacketCt;
import dev.nfct.core.Settings;
import dev.nfct.core.Status;
import dev.nfct.core.proto.Trackers;
import dev.nfct.packet.CaptureReader;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Replays the reference capture sv-sctp.pcap (when the shared data is there) at one constant time,
 * as the kernel saw it (the harness replayed it in 66 ms), and compares per-frame ctinfo, the
 * events and the final table with what the kernel recorded.
 */
class SctpCaptureReplayTest {

    @Test
    void svSctpAgreesWithTheKernel() throws Exception {
        Path pcaps = SharedData.pcaps();
        Path pcap = pcaps == null ? null : pcaps.resolve("public").resolve("sv-sctp.pcap");
        Assumptions.assumeTrue(pcap != null && Files.exists(pcap), "sv-sctp.pcap not available");
        Path base = pcap.resolveSibling("sv-sctp.events");

        List<String> events = new ArrayList<>();
        Settings settings = Settings.replayDefaults();
        Conntrack engine =
                new Conntrack(settings, Trackers.standard(settings), new HashConnTable(), e -> events.add(brief(e)));
        long now = 1_000_000_000_000L;
        PacketCt r = new PacketCt();
        List<String> trace = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(pcap)) {
            for (CapturedDatagram d; (d = reader.next()) != null; ) {
                r.reset();
                CtInfo ci = engine.forward(d.packet(), now, r);
                trace.add(d.frameNumber() + " " + ci.stateName + " " + ci.directionName());
            }
        }

        List<String> kernelTrace =
                OracleReplay.traceKeys(Files.readAllLines(Path.of(base + ".trace"), StandardCharsets.UTF_8));
        assertThat(trace).containsExactlyElementsOf(kernelTrace);

        List<String> kernelEvents = new ArrayList<>();
        for (String l : Files.readAllLines(base, StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                String[] f = l.split(" \\| ");
                String[] head = f[0].split(" ");
                kernelEvents.add(head[0] + " " + String.join(" ", List.of(head).subList(3, head.length)) + " " + f[3]);
            }
        }
        assertThat(events).containsExactlyElementsOf(kernelEvents);

        List<String> kernelTable = Files.readAllLines(Path.of(base + ".table"), StandardCharsets.UTF_8);
        assertThat(kernelTable).hasSize(1);
        List<Conn> ours = new ArrayList<>();
        engine.table().forEach(ours::add);
        assertThat(ours).hasSize(1);
        Conn ct = ours.get(0);
        String table = "ENTRY ipv4 sctp " + engine.tracker(ct.protocol()).stateName(ct) + " " + ct.remainingSeconds(now)
                + " | ... | " + (ct.is(Status.ASSURED) ? "ASSURED" : "-")
                + " | packets=" + ct.acct[0] + ":" + ct.acct[2] + " bytes=" + ct.acct[1] + ":" + ct.acct[3];
        String k = kernelTable.get(0);
        String[] kf = k.split(" \\| ");
        assertThat(table).isEqualTo(kf[0] + " | ... | " + kf[3] + " | " + kf[4]);
        assertThat(engine.stats().invalid).isEqualTo(3);
    }

    /** "NEW CLOSED 10 UNREPLIED": type, state, timeout and the status flags the reference prints. */
    private static String brief(ConnEvent e) {
        String flags =
                (e.status & Status.SEEN_REPLY) == 0 ? "UNREPLIED" : (e.status & Status.ASSURED) != 0 ? "ASSURED" : "-";
        return e.type.name() + " " + e.stateName + " " + e.timeoutSeconds + " " + flags;
    }
}
