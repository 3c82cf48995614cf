package dev.nfct.core.proto;

import static dev.nfct.core.proto.TcpFlow.ACK;
import static dev.nfct.core.proto.TcpFlow.C;
import static dev.nfct.core.proto.TcpFlow.FINACK;
import static dev.nfct.core.proto.TcpFlow.RST;
import static dev.nfct.core.proto.TcpFlow.S;
import static dev.nfct.core.proto.TcpFlow.SYN;
import static dev.nfct.core.proto.TcpFlow.SYNACK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfct.core.Conn;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.CtInfo;
import dev.nfct.core.EventType;
import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import dev.nfct.core.Status;
import dev.nfct.core.format.EventFormat;
import dev.nfct.testing.Packets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The TCP rows of the specification's minimal test vectors (§13.2), one test each, plus the
 * captured TCP event sequences of §6.10 and §8.5 compared line by line (without the timestamp
 * prefix and the id, which the tool only prints with {@code -o id}).
 */
class TcpVectorsTest {
    private static final long MS = 1_000_000L;

    private static TcpFlow flow(Settings s) {
        return new TcpFlow(s).endpoints("10.200.0.1", 57370, "10.200.0.2", 5001);
    }

    private static TcpFlow flow() {
        return flow(Settings.replayDefaults());
    }

    private static Settings acctOff() {
        Settings s = Settings.replayDefaults();
        s.acct = 0;
        s.timestamp = 0;
        return s;
    }

    private static final String T = "src=10.200.0.1 dst=10.200.0.2 sport=57370 dport=5001";
    private static final String RT = "src=10.200.0.2 dst=10.200.0.1 sport=5001 dport=57370";

    // ------------------------------------------------------------------ 1..8: creation and sanity

    @Test
    @DisplayName("#1 TCP SYN, no entry -> ctinfo NEW, SYN_SENT 120 [UNREPLIED], [NEW] at the exit hook")
    void v01_synCreatesEntry() {
        TcpFlow f = flow(acctOff());
        Packet syn = f.seg(C, SYN, 0).build();
        assertEquals(CtInfo.NEW, f.rec.in(syn));
        assertTrue(f.rec.events.isEmpty(), "nothing before the exit hook");
        f.rec.ct.confirm(f.rec.r, f.rec.now);
        assertEquals(List.of("    [NEW] tcp      6 120 SYN_SENT " + T + " [UNREPLIED] " + RT), f.rec.drain());
        assertEquals("SYN_SENT", f.stateName());
        assertEquals(120, f.remaining());
        assertFalse(f.conn().is(Status.SEEN_REPLY));
    }

    @Test
    @DisplayName("#2 SYN dropped by a filter at INPUT -> no entry, no event")
    void v02_droppedSynLeavesNothing() {
        TcpFlow f = flow();
        assertEquals(CtInfo.NEW, f.rec.in(f.seg(C, SYN, 0).build()));
        f.rec.ct.dropped(f.rec.r);
        assertEquals(0, f.entries());
        assertEquals(0, f.rec.ct.count());
        assertTrue(f.rec.events.isEmpty());
        // the retransmitted SYN starts from scratch
        assertEquals(CtInfo.NEW, f.send(C, SYN));
        assertEquals(1, f.entries());
        assertEquals(1, f.rec.events.size());
        assertEquals(EventType.NEW, f.rec.events.get(0).type);
    }

    @Test
    @DisplayName(
            "#3 SYN -> server RST: [NEW] SYN_SENT, then [DESTROY] CLOSE [UNREPLIED] packets=1 bytes=60 / packets=1 bytes=40")
    void v03_synRefusedByRst() {
        TcpFlow f = flow().endpoints("10.200.0.1", 47202, "10.200.0.2", 5998);
        f.send(C, SYN); // 60 bytes: 20 IP + 40 TCP with options
        Packet rst = Packets.tcp("10.200.0.2", 5998, "10.200.0.1", 47202)
                .rstAck()
                .seq(0)
                .ackNo(f.next[C])
                .win(0)
                .build();
        assertEquals(40, rst.l3Length);
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(rst));
        assertEquals(
                Arrays.asList(
                        "    [NEW] tcp      6 120 SYN_SENT src=10.200.0.1 dst=10.200.0.2 sport=47202 dport=5998 [UNREPLIED] "
                                + "src=10.200.0.2 dst=10.200.0.1 sport=5998 dport=47202",
                        "[DESTROY] tcp      6 120 CLOSE src=10.200.0.1 dst=10.200.0.2 sport=47202 dport=5998 packets=1 bytes=60 "
                                + "[UNREPLIED] src=10.200.0.2 dst=10.200.0.1 sport=5998 dport=47202 packets=1 bytes=40 delta-time=0"),
                f.rec.drain());
        assertEquals(0, f.entries());
    }

    @Test
    @DisplayName(
            "#4 SYN, SYN-ACK, ACK -> SYN_RECV 60 with SEEN_REPLY, then ESTABLISHED + ASSURED 432000 in one [UPDATE]")
    void v04_handshake() {
        TcpFlow f = flow(acctOff());
        assertEquals(CtInfo.NEW, f.send(C, SYN));
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(S, SYNACK));
        assertTrue(f.conn().is(Status.SEEN_REPLY));
        assertEquals("SYN_RECV", f.stateName());
        assertEquals(60, f.remaining());
        assertEquals(CtInfo.ESTABLISHED, f.send(C, ACK));
        assertTrue(f.conn().is(Status.ASSURED));
        assertEquals(
                Arrays.asList(
                        "    [NEW] tcp      6 120 SYN_SENT " + T + " [UNREPLIED] " + RT,
                        " [UPDATE] tcp      6 60 SYN_RECV " + T + " " + RT,
                        " [UPDATE] tcp      6 432000 ESTABLISHED " + T + " " + RT + " [ASSURED]"),
                f.rec.drain());
    }

    @Test
    @DisplayName("#5 bare ACK, no entry, loose=1 -> ctinfo NEW, ESTABLISHED 300 [UNREPLIED], not ASSURED")
    void v05_loosePickup() {
        TcpFlow f = flow();
        f.endpoints("10.200.0.1", 6001, "10.200.0.2", 7001);
        assertEquals(CtInfo.NEW, f.send(C, ACK));
        Conn ct = f.conn();
        assertEquals("ESTABLISHED", f.stateName());
        assertEquals(300, f.remaining());
        assertFalse(ct.is(Status.SEEN_REPLY));
        assertFalse(ct.is(Status.ASSURED));
        f.rec.drain();
        f.rec.at(0.5);
        // as conntrack -L shows it a moment later (the §8.5 listing, without mark/use/delta columns)
        ConnEvent dump = f.rec.ct.dumpEntry(ct, f.rec.now);
        assertEquals(
                "tcp      6 299 ESTABLISHED src=10.200.0.1 dst=10.200.0.2 sport=6001 dport=7001 packets=1 bytes=40 "
                        + "[UNREPLIED] src=10.200.0.2 dst=10.200.0.1 sport=7001 dport=6001 packets=0 bytes=0 mark=0 "
                        + "delta-time=0 use=1",
                EventFormat.entry(dump, false));
    }

    @Test
    @DisplayName("#6 bare ACK, loose=0 -> invalid, no entry")
    void v06_noLoosePickup() {
        Settings s = Settings.replayDefaults();
        s.tcpLoose = 0;
        TcpFlow f = flow(s);
        long invalid = f.rec.ct.stats().invalid;
        assertEquals(CtInfo.INVALID, f.send(C, ACK));
        assertEquals(0, f.entries());
        assertEquals(0, f.rec.ct.count());
        assertEquals(invalid + 1, f.rec.ct.stats().invalid);
        assertTrue(f.rec.events.isEmpty());
    }

    @Test
    @DisplayName("#7 SYN+FIN / FIN / NULL / FIN+PSH+URG -> invalid (SYN+ECE+CWR+PSH and SYN+URG are fine)")
    void v07_badFlagCombinations() {
        int[] bad = {
            Packet.TH_SYN | Packet.TH_FIN,
            Packet.TH_FIN,
            0,
            Packet.TH_FIN | Packet.TH_PSH | Packet.TH_URG,
            Packet.TH_SYN | Packet.TH_RST,
            Packet.TH_SYN | Packet.TH_ACK | Packet.TH_URG,
        };
        for (int flags : bad) {
            TcpFlow f = flow();
            assertEquals(CtInfo.INVALID, f.send(f.seg(C, flags, 0).build()), "flags 0x" + Integer.toHexString(flags));
            assertEquals(0, f.entries());
        }
        // the same combinations are invalid on an established entry too
        for (int flags : bad) {
            TcpFlow f = flow().handshake();
            f.rec.drain();
            assertEquals(CtInfo.INVALID, f.send(f.seg(C, flags, 0).build()), "flags 0x" + Integer.toHexString(flags));
            assertEquals("ESTABLISHED", f.stateName());
            assertTrue(f.rec.events.isEmpty());
        }
        int[] good = {Packet.TH_SYN | Packet.TH_ECE | Packet.TH_CWR | Packet.TH_PSH, Packet.TH_SYN | Packet.TH_URG};
        for (int flags : good) {
            TcpFlow f = flow();
            assertEquals(CtInfo.NEW, f.send(f.seg(C, flags, 0).build()), "flags 0x" + Integer.toHexString(flags));
            assertEquals("SYN_SENT", f.stateName());
        }
    }

    @Test
    @DisplayName("#8 SYN+ACK, FIN+ACK, RST or RST+ACK with no entry -> invalid")
    void v08_cannotCreate() {
        for (int flags : new int[] {SYNACK, FINACK, RST, TcpFlow.RSTACK}) {
            TcpFlow f = flow();
            assertEquals(CtInfo.INVALID, f.send(f.seg(C, flags, 0).build()), "flags 0x" + Integer.toHexString(flags));
            assertEquals(0, f.entries());
            assertEquals(0, f.rec.ct.count());
            assertTrue(f.rec.events.isEmpty());
        }
    }

    // ------------------------------------------------------------------ 9..14: window and RST checks

    @Test
    @DisplayName("#9 data 10 MB beyond the window -> invalid; with be_liberal=1 -> established")
    void v09_farBeyondWindow() {
        TcpFlow f = flow().handshake();
        long[] before = f.counters();
        Packet p = f.seg(C, ACK, 100).seq(f.next[C] + 10_000_000L).build();
        assertEquals(CtInfo.INVALID, f.send(p));
        assertArrayEquals(before, f.counters());

        f.rec.settings.tcpBeLiberal = 1;
        Packet q = f.seg(C, ACK, 100).seq(f.next[C] + 10_000_000L).build();
        assertEquals(CtInfo.ESTABLISHED, f.send(q));
        assertEquals("ESTABLISHED", f.stateName());
        assertEquals(before[0] + 1, f.counters()[0]);
    }

    @Test
    @DisplayName("#10 data far below the window -> accepted as established, no counter/state/timeout change")
    void v10_farBelowWindow() {
        TcpFlow f = flow().handshake();
        f.rec.at(5);
        long[] before = f.counters();
        long deadline = f.conn().timeout;
        Packet p = f.seg(C, ACK, 100).seq(f.next[C] - 10_000_000L).build();
        assertEquals(CtInfo.ESTABLISHED, f.send(p));
        assertArrayEquals(before, f.counters());
        assertEquals(deadline, f.conn().timeout);
        assertEquals("ESTABLISHED", f.stateName());
    }

    @Test
    @DisplayName("#11 ACK of unsent data -> invalid")
    void v11_ackOfUnsentData() {
        TcpFlow f = flow().handshake();
        long[] before = f.counters();
        Packet p = f.seg(C, ACK, 0).ackNo(f.next[S] + 100_000).build();
        assertEquals(CtInfo.INVALID, f.send(p));
        assertArrayEquals(before, f.counters());
    }

    @Test
    @DisplayName("#12 SYN on an ESTABLISHED entry -> accepted as established, state unchanged (ignored)")
    void v12_synOnEstablished() {
        TcpFlow f = flow().handshake();
        f.rec.drain();
        f.rec.at(5);
        long[] before = f.counters();
        long deadline = f.conn().timeout;
        assertEquals(CtInfo.ESTABLISHED, f.send(C, SYN));
        assertEquals("ESTABLISHED", f.stateName());
        assertArrayEquals(before, f.counters());
        assertEquals(deadline, f.conn().timeout);
        assertTrue(f.rec.events.isEmpty());
    }

    @Test
    @DisplayName("#13 RST in window but not exact (established, assured) -> stays ESTABLISHED, timeout 10 (CLOSE)")
    void v13_inWindowRst() {
        // The spec (§6.5 g.2, §6.7 rule 2, §13.2 #13) says 300 (UNACK). Kernel 6.18 gives the CLOSE
        // timeout: the fuzz finding tcp-rst-inwindow-keeps-established-timeout showed 10, and with
        // nf_conntrack_tcp_timeout_close=500 the same RST gave 500 (regressions/ and CONFORMANCE.md).
        TcpFlow f = flow().handshake();
        f.rec.drain();
        Packet p = f.seg(C, RST, 0).seq(f.next[C] + 1000).build();
        assertEquals(CtInfo.ESTABLISHED, f.send(p));
        assertEquals("ESTABLISHED", f.stateName());
        assertEquals(10, f.remaining());
        assertTrue(f.rec.events.isEmpty(), "no state change, no event");
    }

    @Test
    @DisplayName("#14 RST with exact seq -> CLOSE, timeout 10")
    void v14_exactRst() {
        TcpFlow f = flow().handshake();
        f.rec.drain();
        assertEquals(CtInfo.ESTABLISHED, f.send(C, RST));
        assertEquals("CLOSE", f.stateName());
        assertEquals(10, f.remaining());
        assertEquals(List.of(" [UPDATE] tcp      6 10 CLOSE " + T + " " + RT + " [ASSURED]"), f.rec.drain());
    }

    @Test
    @DisplayName("#13+#14 in-window RST keeps ESTABLISHED (10), the following exact RST moves to CLOSE (10)")
    void v13b_inWindowThenExact() {
        TcpFlow f = flow().handshake();
        f.send(f.seg(C, RST, 0).seq(f.next[C] + 1000).build());
        assertEquals("ESTABLISHED", f.stateName());
        assertEquals(10, f.remaining(), "kernel 6.18: CLOSE timeout, not UNACK (the spec's 300)");
        f.send(C, RST);
        assertEquals("CLOSE", f.stateName());
        assertEquals(10, f.remaining());
    }

    // ------------------------------------------------------------------ 15..19: reopen, resync, retrans

    @Test
    @DisplayName("#15 same side sends SYN right after its RST -> [DESTROY] + [NEW], ctinfo NEW")
    void v15_synAfterOwnRst() {
        TcpFlow f = flow().endpoints("10.200.0.1", 6402, "10.200.0.2", 7401);
        f.synHeader = 32; // SYN 52 bytes
        f.send(C, SYN);
        f.send(S, SYNACK); // 52 bytes
        f.send(C, ACK); // 40
        f.rec.drain();
        f.rec.at(0.8);
        f.send(C, RST); // 40
        f.rec.at(1.05);
        f.isn[C] += 5_000_000;
        assertEquals(CtInfo.NEW, f.send(C, SYN));
        String t = "src=10.200.0.1 dst=10.200.0.2 sport=6402 dport=7401";
        String rt = "src=10.200.0.2 dst=10.200.0.1 sport=7401 dport=6402";
        assertEquals(
                Arrays.asList(
                        " [UPDATE] tcp      6 10 CLOSE " + t + " " + rt + " [ASSURED]",
                        "[DESTROY] tcp      6 9 CLOSE " + t + " packets=3 bytes=132 " + rt
                                + " packets=1 bytes=52 [ASSURED] delta-time=1",
                        "    [NEW] tcp      6 120 SYN_SENT " + t + " [UNREPLIED] " + rt),
                f.rec.drain());
        assertEquals("SYN_SENT", f.stateName());
    }

    @Test
    @DisplayName("#16 SYN after an orderly close (TIME_WAIT) -> [DESTROY] + [NEW]")
    void v16_synInTimeWait() {
        Settings s = Settings.replayDefaults();
        s.tcpTimeoutTimeWait = 2;
        TcpFlow f = flow(s).endpoints("10.200.0.1", 6403, "10.200.0.2", 7401);
        f.synHeader = 32;
        f.send(C, SYN); // 52
        f.send(S, SYNACK); // 52
        f.send(C, ACK); // 40
        f.send(S, ACK, 0); // 40 (a keep-alive style pure ACK)
        f.send(S, FINACK); // 40: server closes first this time
        f.send(C, ACK); // 40
        f.send(S, ACK); // 40
        f.rec.at(0.6);
        f.send(C, FINACK); // 40
        f.rec.drain();
        f.send(S, ACK); // 40 -> TIME_WAIT
        f.rec.at(1.3);
        f.isn[C] += 5_000_000;
        assertEquals(CtInfo.NEW, f.send(C, SYN));
        String t = "src=10.200.0.1 dst=10.200.0.2 sport=6403 dport=7401";
        String rt = "src=10.200.0.2 dst=10.200.0.1 sport=7401 dport=6403";
        assertEquals(
                Arrays.asList(
                        " [UPDATE] tcp      6 2 TIME_WAIT " + t + " " + rt + " [ASSURED]",
                        "[DESTROY] tcp      6 1 TIME_WAIT " + t + " packets=4 bytes=172 " + rt
                                + " packets=5 bytes=212 [ASSURED] delta-time=1",
                        "    [NEW] tcp      6 120 SYN_SENT " + t + " [UNREPLIED] " + rt),
                f.rec.drain());
    }

    @Test
    @DisplayName(
            "#17 RST, then data, then SYN -> no reopen; the SYN passes as established and the SYN-ACK resyncs to SYN_RECV (ASSURED kept)")
    void v17_resyncAfterRst() {
        TcpFlow f = flow().endpoints("10.200.0.1", 6301, "10.200.0.2", 7300);
        f.handshake();
        f.rec.drain();
        f.send(C, RST);
        assertEquals("CLOSE", f.stateName());
        f.rec.at(0.5);
        assertEquals(CtInfo.ESTABLISHED, f.send(C, ACK, 10)); // more data from the client
        assertEquals("CLOSE", f.stateName());
        f.rec.at(1.1);
        f.isn[C] += 7_000_000;
        long[] before = f.counters();
        assertEquals(CtInfo.ESTABLISHED, f.send(C, SYN), "the SYN is ignored, matched as established");
        assertEquals("CLOSE", f.stateName());
        assertArrayEquals(before, f.counters());
        f.isn[S] += 9_000_000;
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(S, SYNACK));
        assertEquals("SYN_RECV", f.stateName());
        assertTrue(f.conn().is(Status.ASSURED));
        String t = "src=10.200.0.1 dst=10.200.0.2 sport=6301 dport=7300";
        String rt = "src=10.200.0.2 dst=10.200.0.1 sport=7300 dport=6301";
        assertEquals(
                Arrays.asList(
                        " [UPDATE] tcp      6 10 CLOSE " + t + " " + rt + " [ASSURED]",
                        " [UPDATE] tcp      6 60 SYN_RECV " + t + " " + rt + " [ASSURED]"),
                f.rec.drain());
        // and the connection carries on normally on the same entry
        assertEquals(CtInfo.ESTABLISHED, f.send(C, ACK));
        assertEquals("ESTABLISHED", f.stateName());
        assertEquals(1, f.entries());
    }

    @Test
    @DisplayName("#18 one unacked data segment -> UNACK timeout; 3 identical copies later -> RETRANS timeout")
    void v18_unackedThenRetransmitted() {
        Settings s = Settings.replayDefaults();
        s.tcpTimeoutUnacknowledged = 200;
        s.tcpTimeoutMaxRetrans = 100;
        TcpFlow f = flow(s).handshake();
        assertEquals(432000, f.remaining());
        Packet data = f.seg(C, ACK, 100).build();
        f.send(data);
        assertEquals(200, f.remaining(), "data not yet acknowledged");
        assertEquals(0, f.tcp().retrans);
        for (int copy = 1; copy <= 3; copy++) {
            f.send(data);
            assertEquals(copy, f.tcp().retrans);
            assertEquals(copy < 3 ? 200 : 100, f.remaining(), "copy " + copy);
        }
        f.rec.drain();
        // the server finally acknowledges: a timeout-only change, back to ESTABLISHED's timeout
        f.advance(C, ACK, 100);
        f.send(S, ACK);
        assertEquals(432000, f.remaining());
        assertTrue(f.rec.events.isEmpty(), "timeout-only change: no event");
    }

    @Test
    @DisplayName(
            "#19 SYN retransmits while SYN_SENT -> timeout keeps counting down (119, 114, 112, 110), packets not counted")
    void v19_synRetransmissions() {
        TcpFlow f = flow();
        f.send(C, SYN);
        double[] at = {1, 6, 8, 10};
        long[] expect = {119, 114, 112, 110};
        for (int i = 0; i < at.length; i++) {
            f.rec.at(at[i]);
            assertEquals(CtInfo.NEW, f.send(C, SYN));
            assertEquals(expect[i], f.remaining());
            assertArrayEquals(new long[] {1, 60, 0, 0}, f.counters());
        }
        assertEquals(1, f.rec.events.size(), "only the [NEW]");
    }

    // ------------------------------------------------------------------ 31, 33, 34, 35

    @Test
    @DisplayName(
            "#31 established flow, FIN dropped by the ruleset -> FIN_WAIT anyway, no event until a later packet passes the exit hook")
    void v31_droppedFin() {
        TcpFlow f = flow(acctOff()).endpoints("10.200.0.1", 6501, "10.200.0.2", 7302);
        f.handshake();
        String t = "src=10.200.0.1 dst=10.200.0.2 sport=6501 dport=7302";
        String rt = "src=10.200.0.2 dst=10.200.0.1 sport=7302 dport=6501";
        List<String> hs = f.rec.drain();
        assertEquals(" [UPDATE] tcp      6 432000 ESTABLISHED " + t + " " + rt + " [ASSURED]", hs.get(2));
        f.rec.at(0.2);
        Packet fin = f.seg(C, FINACK, 0).build();
        assertEquals(CtInfo.ESTABLISHED, f.rec.in(fin));
        f.rec.ct.dropped(f.rec.r);
        f.advance(C, FINACK, 0);
        assertEquals("FIN_WAIT", f.stateName(), "the entry hook already changed the state");
        assertTrue(f.rec.events.isEmpty(), "no event for the dropped FIN");
        f.rec.at(1.4);
        assertEquals(CtInfo.ESTABLISHED, f.send(C, ACK));
        assertEquals(List.of(" [UPDATE] tcp      6 60 CLOSE_WAIT " + t + " " + rt + " [ASSURED]"), f.rec.drain());
    }

    @Test
    @DisplayName(
            "#33 simultaneous open (reply-side SYN while SYN_SENT) -> SYN_SENT2, SEEN_REPLY, no counter/timeout refresh")
    void v33_simultaneousOpen() {
        TcpFlow f = flow();
        f.send(C, SYN);
        f.rec.at(1);
        f.rec.drain();
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(S, SYN));
        assertEquals("SYN_SENT2", f.stateName());
        assertTrue(f.conn().is(Status.SEEN_REPLY));
        assertArrayEquals(new long[] {1, 60, 0, 0}, f.counters());
        assertEquals(119, f.remaining());
        assertEquals(List.of(" [UPDATE] tcp      6 119 SYN_SENT2 " + T + " " + RT), f.rec.drain());
        assertEquals(
                "tcp      6 119 SYN_SENT2 " + T + " packets=1 bytes=60 " + RT
                        + " packets=0 bytes=0 mark=0 delta-time=1 use=1",
                EventFormat.entry(f.rec.ct.dumpEntry(f.conn(), f.rec.now), false));
        // both sides answer with SYN-ACKs, then the client's ACK... the open completes
        assertEquals(CtInfo.ESTABLISHED, f.send(f.seg(C, SYNACK, 0).build()));
        assertEquals("SYN_RECV", f.stateName());
        f.advance(C, SYNACK, 0);
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(S, SYNACK));
        assertEquals("SYN_RECV", f.stateName());
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(S, ACK));
        assertEquals("ESTABLISHED", f.stateName(), "the reply ACK completes a simultaneous open");
    }

    @Test
    @DisplayName(
            "#34 loose pickup of a live flow: client data, server ACK, client data -> [NEW] 300 ESTABLISHED [UNREPLIED], [UPDATE] (no state), [UPDATE] [ASSURED]")
    void v34_loosePickupOfLiveFlow() {
        TcpFlow f = flow(acctOff()).endpoints("10.200.0.1", 46100, "10.200.0.2", 5010);
        f.header = 32;
        f.next[C] = 123_456_789L;
        f.next[S] = 987_654_321L;
        f.window = 502; // scaled windows of a live Linux flow, unknown to conntrack
        assertEquals(CtInfo.NEW, f.send(C, ACK, 1));
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(S, ACK));
        f.rec.at(0.3);
        assertEquals(CtInfo.ESTABLISHED, f.send(C, ACK, 1));
        String t = "src=10.200.0.1 dst=10.200.0.2 sport=46100 dport=5010";
        String rt = "src=10.200.0.2 dst=10.200.0.1 sport=5010 dport=46100";
        assertEquals(
                Arrays.asList(
                        "    [NEW] tcp      6 300 ESTABLISHED " + t + " [UNREPLIED] " + rt,
                        " [UPDATE] tcp      6 300 " + t + " " + rt,
                        " [UPDATE] tcp      6 300 " + t + " " + rt + " [ASSURED]"),
                f.rec.drain());
        // #35: when the data gets acknowledged the timeout moves to 432000 without an event
        f.send(S, ACK);
        assertEquals(432000, f.remaining());
        assertTrue(f.rec.events.isEmpty());
    }

    @Test
    @DisplayName("#34 (listing) loose pickup counters as in the spec's conntrack -L line")
    void v34_loosePickupListing() {
        TcpFlow f = flow().endpoints("10.200.0.1", 46100, "10.200.0.2", 5010);
        f.header = 32;
        f.next[C] = 123_456_789L;
        f.next[S] = 987_654_321L;
        f.window = 502;
        f.send(C, ACK, 1);
        f.send(S, ACK);
        f.rec.at(0.3);
        f.send(C, ACK, 1);
        f.send(S, ACK);
        f.rec.at(1.0);
        assertEquals(
                "tcp      6 431999 ESTABLISHED src=10.200.0.1 dst=10.200.0.2 sport=46100 dport=5010 packets=2 bytes=106 "
                        + "src=10.200.0.2 dst=10.200.0.1 sport=5010 dport=46100 packets=2 bytes=104 [ASSURED] mark=0 delta-time=1 use=1",
                EventFormat.entry(f.rec.ct.dumpEntry(f.conn(), f.rec.now + 300 * MS), false));
    }

    @Test
    @DisplayName("#35 timeout-only change (UNACK 300 -> ESTABLISHED 432000 when data gets acked) -> no event")
    void v35_timeoutOnlyChange() {
        TcpFlow f = flow().handshake();
        f.send(C, ACK, 500);
        assertEquals(300, f.remaining());
        f.rec.drain();
        f.send(S, ACK);
        assertEquals(432000, f.remaining());
        assertTrue(f.rec.events.isEmpty());
    }

    // ------------------------------------------------------------------ captured lifecycles

    /** Entry hook at now, exit hook one tick later (the kernel reads the timeout when it builds the message). */
    private static void sendSlow(TcpFlow f, int side, int flags, int payload) {
        Packet p = f.seg(side, flags, payload).build();
        f.rec.in(p);
        f.rec.ct.confirm(f.rec.r, f.rec.now + 4 * MS);
        f.advance(side, flags, payload);
    }

    @Test
    @DisplayName("§8.5 TCP lifecycle, acct off, time_wait=4: NEW SYN_SENT ... TIME_WAIT, as captured")
    void lifecycleAcctOff() {
        Settings s = acctOff();
        s.tcpTimeoutTimeWait = 4;
        TcpFlow f = flow(s);
        f.send(C, SYN);
        f.send(S, SYNACK);
        f.send(C, ACK);
        f.send(C, ACK, 100);
        f.send(S, ACK);
        f.rec.at(0.3);
        f.send(C, FINACK);
        f.rec.at(0.348);
        sendSlow(f, S, ACK, 0); // one tick passes before the event is read: 60 shows as 59
        f.rec.at(0.6);
        f.send(S, FINACK);
        f.send(C, ACK);
        assertEquals(
                Arrays.asList(
                        "    [NEW] tcp      6 120 SYN_SENT " + T + " [UNREPLIED] " + RT,
                        " [UPDATE] tcp      6 60 SYN_RECV " + T + " " + RT,
                        " [UPDATE] tcp      6 432000 ESTABLISHED " + T + " " + RT + " [ASSURED]",
                        " [UPDATE] tcp      6 120 FIN_WAIT " + T + " " + RT + " [ASSURED]",
                        " [UPDATE] tcp      6 59 CLOSE_WAIT " + T + " " + RT + " [ASSURED]",
                        " [UPDATE] tcp      6 30 LAST_ACK " + T + " " + RT + " [ASSURED]",
                        " [UPDATE] tcp      6 4 TIME_WAIT " + T + " " + RT + " [ASSURED]"),
                f.rec.drain());
        f.rec.at(1.1);
        assertEquals(
                "tcp      6 3 TIME_WAIT " + T + " " + RT + " [ASSURED] mark=0 use=1",
                EventFormat.entry(f.rec.ct.dumpEntry(f.conn(), f.rec.now), false));
    }

    @Test
    @DisplayName(
            "§6.10 full lifecycle with acct and timestamps, time_wait=2, DESTROY from expiry with the captured counters")
    void lifecycleWithAcct() {
        Settings s = Settings.replayDefaults();
        s.tcpTimeoutTimeWait = 2;
        TcpFlow f = flow(s).endpoints("10.200.0.1", 50698, "10.200.0.2", 5003);
        f.header = 32;
        f.send(C, SYN); // 60
        f.send(S, SYNACK); // 60
        f.send(C, ACK); // 52
        f.send(C, ACK, 5); // 57
        f.send(S, ACK); // 52
        f.send(S, ACK, 11); // 63
        f.send(C, ACK); // 52
        f.rec.at(0.3);
        f.send(C, FINACK); // 52
        f.rec.at(0.345);
        f.send(S, ACK); // 52
        f.rec.at(0.6);
        f.send(S, FINACK); // 52
        f.send(C, ACK); // 52
        String t = "src=10.200.0.1 dst=10.200.0.2 sport=50698 dport=5003";
        String rt = "src=10.200.0.2 dst=10.200.0.1 sport=5003 dport=50698";
        f.rec.at(54.3);
        assertEquals(1, f.rec.ct.expire(f.rec.now));
        List<String> lines = f.rec.drain();
        assertEquals(
                Arrays.asList(
                        "    [NEW] tcp      6 120 SYN_SENT " + t + " [UNREPLIED] " + rt,
                        " [UPDATE] tcp      6 60 SYN_RECV " + t + " " + rt,
                        " [UPDATE] tcp      6 432000 ESTABLISHED " + t + " " + rt + " [ASSURED]",
                        " [UPDATE] tcp      6 120 FIN_WAIT " + t + " " + rt + " [ASSURED]",
                        " [UPDATE] tcp      6 60 CLOSE_WAIT " + t + " " + rt + " [ASSURED]",
                        " [UPDATE] tcp      6 30 LAST_ACK " + t + " " + rt + " [ASSURED]",
                        " [UPDATE] tcp      6 2 TIME_WAIT " + t + " " + rt + " [ASSURED]",
                        "[DESTROY] tcp      6 TIME_WAIT " + t + " packets=6 bytes=325 " + rt
                                + " packets=5 bytes=279 [ASSURED] delta-time=2"),
                lines);
        assertEquals(0, f.entries());
    }

    @Test
    @DisplayName("§8.5 SYN to a closed port with acct + tstamp: the DESTROY keeps [UNREPLIED] and the SYN_SENT timeout")
    void closedPortCapture() {
        v03_synRefusedByRst();
    }

    @Test
    @DisplayName("ctinfo NEW persists for original packets until the first reply (invariant 9)")
    void newUntilReply() {
        TcpFlow f = flow();
        assertEquals(CtInfo.NEW, f.send(C, SYN));
        assertEquals(CtInfo.NEW, f.send(C, SYN));
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(S, SYNACK));
        assertEquals(CtInfo.ESTABLISHED, f.send(C, ACK));
    }
}
