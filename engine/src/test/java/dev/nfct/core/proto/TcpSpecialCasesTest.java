package dev.nfct.core.proto;

import static dev.nfct.core.proto.TcpFlow.ACK;
import static dev.nfct.core.proto.TcpFlow.C;
import static dev.nfct.core.proto.TcpFlow.FINACK;
import static dev.nfct.core.proto.TcpFlow.RST;
import static dev.nfct.core.proto.TcpFlow.RSTACK;
import static dev.nfct.core.proto.TcpFlow.S;
import static dev.nfct.core.proto.TcpFlow.SYN;
import static dev.nfct.core.proto.TcpFlow.SYNACK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfct.core.Conn;
import dev.nfct.core.ConnCodec;
import dev.nfct.core.CtInfo;
import dev.nfct.core.Engines;
import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import dev.nfct.core.Status;
import dev.nfct.core.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The special rules of §6.5 and §6.8 that override the raw transition tables, and the sanity checks of §6.2. */
class TcpSpecialCasesTest {

    // ------------------------------------------------------------------ 6.2 sanity

    @Test
    @DisplayName("6.2: header shorter than 20 bytes, data offset < 20 or beyond the segment -> invalid")
    void sanityHeader() {
        TcpFlow f = new TcpFlow();
        assertEquals(CtInfo.INVALID, f.send(f.seg(C, SYN, 0).l4Length(12).build()));
        assertEquals(CtInfo.INVALID, f.send(f.seg(C, SYN, 0).dataOffset(16).build()));
        assertEquals(
                CtInfo.INVALID,
                f.send(f.seg(C, SYN, 0).dataOffset(60).l4Length(40).build()));
        assertEquals(0, f.entries());
        assertEquals(CtInfo.NEW, f.send(f.seg(C, SYN, 0).dataOffset(60).build()));
    }

    @Test
    @DisplayName("6.2: a bad checksum is invalid only when nf_conntrack_checksum=1")
    void sanityChecksum() {
        Settings s = new Settings();
        TcpFlow f = new TcpFlow(s);
        Packet p = f.seg(C, SYN, 0).build();
        p.l4ChecksumOk = false;
        assertEquals(CtInfo.INVALID, f.send(p));
        s.checksum = 0;
        assertEquals(CtInfo.NEW, f.send(p));
    }

    // ------------------------------------------------------------------ 6.5 a/b: reopen, ignore, resync

    @Test
    @DisplayName("6.5a: a reopening SYN whose old entry cannot be killed (already dying) is dropped")
    void reopenKillFailsDrops() {
        TcpFlow f = new TcpFlow().to(TcpState.TIME_WAIT);
        Conn ct = f.conn();
        ct.status |= Status.DYING;
        TcpTracker t = (TcpTracker) f.rec.ct.tracker(Packet.IPPROTO_TCP);
        Packet syn = f.seg(C, SYN, 0).build();
        assertEquals(Verdict.DROP, t.packet(ct, syn, 0, CtInfo.ESTABLISHED, Engines.context(f.rec.ct), f.rec.now));
    }

    @Test
    @DisplayName("6.5a: SYN in CLOSE reached by the other side's RST is ignored (no reopen), the SYN-ACK resyncs")
    void closeByOtherSideIsNotReopened() {
        TcpFlow f = new TcpFlow().handshake();
        f.send(S, RST);
        assertEquals("CLOSE", f.stateName());
        f.rec.drain();
        f.isn[C] += 100_000;
        assertEquals(CtInfo.ESTABLISHED, f.send(C, SYN));
        assertEquals("CLOSE", f.stateName());
        assertTrue(f.rec.events.isEmpty());
        f.isn[S] += 100_000;
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(S, SYNACK));
        assertEquals("SYN_RECV", f.stateName());
        TcpConn st = f.tcp();
        assertEquals(f.isn[C] + 1, st.tdEnd(0), "SYN side restored from the remembered SYN");
        assertEquals(7, st.tdScale0);
        assertTrue((st.flags0 & TcpState.F_SACK_PERM) != 0);
        assertEquals(CtInfo.ESTABLISHED, f.send(C, ACK));
        assertEquals("ESTABLISHED", f.stateName());
    }

    @Test
    @DisplayName("6.5b: a SYN-ACK that does not ack the ignored SYN's end is ignored too (no resync)")
    void noResyncOnMismatch() {
        TcpFlow f = new TcpFlow().handshake();
        f.isn[C] += 100_000;
        f.send(C, SYN); // ignored, remembered
        Packet sa = f.seg(S, SYNACK, 0).ackNo(f.next[C] + 5).build();
        long[] before = f.counters();
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(sa));
        assertEquals("ESTABLISHED", f.stateName());
        assertArrayEquals(before, f.counters());
    }

    // ------------------------------------------------------------------ 6.5 d: challenge ACK

    @Test
    @DisplayName("6.5d: in LAST_ACK an ignored SYN followed by the peer's challenge ACK does not move to TIME_WAIT")
    void challengeAckInLastAck() {
        TcpFlow f = new TcpFlow().to(TcpState.LAST_ACK);
        f.isn[C] += 100_000;
        assertEquals(CtInfo.ESTABLISHED, f.send(C, SYN));
        assertTrue((f.tcp().lastFlags & TcpState.F_EXP_CHALLENGE_ACK) != 0);
        long[] before = f.counters();
        Packet challenge = f.seg(S, ACK, 0).ackNo(f.finSeq[C] + 1).build();
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(challenge));
        assertEquals("LAST_ACK", f.stateName(), "challenge ACK, not the final ACK");
        assertArrayEquals(before, f.counters());
        assertEquals(0, f.tcp().lastFlags & TcpState.F_EXP_CHALLENGE_ACK, "mark cleared");
        // the client's real final ACK still closes
        f.next[C] = f.finSeq[C] + 1;
        assertEquals(CtInfo.ESTABLISHED, f.send(C, ACK));
        assertEquals("TIME_WAIT", f.stateName());
    }

    // ------------------------------------------------------------------ 6.5 g: RST validation

    @Test
    @DisplayName("6.5g.2: an RST right after this side's data (seq = end of the last ACK-class packet) closes")
    void rstRightAfterData() {
        TcpFlow f = new TcpFlow().handshake();
        f.send(C, ACK, 100); // unacked data
        assertEquals(CtInfo.ESTABLISHED, f.send(C, RST)); // seq = end of that data
        assertEquals("CLOSE", f.stateName());
    }

    @Test
    @DisplayName("6.5g.2: RST with seq 0 on a not-yet-established entry is not rejected by the max-ack rule")
    void rstSeqZeroBeforeEstablished() {
        TcpFlow f = new TcpFlow().to(TcpState.SYN_RECV);
        Packet rst = f.seg(C, RST, 0).seq(0).build();
        assertNotEquals(CtInfo.INVALID, f.send(rst));
    }

    @Test
    @DisplayName("6.5g.2: RST with seq 0 on an established+assured entry is before max ack -> invalid")
    void rstSeqZeroEstablished() {
        TcpFlow f = new TcpFlow().handshake();
        assertEquals(CtInfo.INVALID, f.send(f.seg(C, RST, 0).seq(0).build()));
        assertEquals("ESTABLISHED", f.stateName());
    }

    @Test
    @DisplayName("6.5g.3: an RST acking exactly an ignored SYN (after a reply was seen) skips the window check")
    void rstAnswersIgnoredSyn() {
        TcpFlow f = new TcpFlow().handshake();
        f.isn[C] += 100_000_000;
        f.send(C, SYN); // ignored
        Packet rst =
                f.seg(S, RSTACK, 0).seq(f.next[S] + 50_000_000).ackNo(f.next[C]).build();
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(rst));
        assertEquals("CLOSE", f.stateName());
        // the same out-of-window RST without that history is invalid
        TcpFlow g = new TcpFlow().handshake();
        assertEquals(
                CtInfo.INVALID,
                g.send(g.seg(S, RSTACK, 0).seq(g.next[S] + 50_000_000).build()));
    }

    @Test
    @DisplayName(
            "6.5g.4: in SYN_SENT an RST whose seq equals the remembered challenge ACK's ack skips the window check")
    void rstAnswersChallengeAck() {
        TcpFlow f = new TcpFlow();
        f.send(C, SYN);
        long old = f.isn[C] + 7_000_000;
        Packet challenge = f.seg(S, ACK, 0).seq(f.isn[S] + 1).ackNo(old).build();
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(challenge)); // ignored
        assertEquals("SYN_SENT", f.stateName());
        assertEquals(old, f.tcp().lastAck());
        Packet rst = f.seg(C, RST, 0).seq(old).build();
        assertEquals(CtInfo.ESTABLISHED, f.send(rst));
        assertEquals("CLOSE", f.stateName());
    }

    // ------------------------------------------------------------------ 6.8: invalid FIN/RST

    @Test
    @DisplayName("6.8: invalid FINs from both sides in turn lower an assured entry's timeout to UNACK")
    void invalidFinsLowerTimeout() {
        TcpFlow f = new TcpFlow().handshake();
        assertEquals(432000, f.remaining());
        assertEquals(
                CtInfo.INVALID,
                f.send(f.seg(C, FINACK, 0).seq(f.next[C] + 10_000_000).build()));
        assertEquals(432000, f.remaining(), "one side alone: only remembered");
        assertEquals(
                CtInfo.INVALID,
                f.send(f.seg(C, FINACK, 0).seq(f.next[C] + 10_000_000).build()));
        assertEquals(432000, f.remaining(), "same side again: still nothing");
        assertEquals(
                CtInfo.INVALID,
                f.send(f.seg(S, FINACK, 0).seq(f.next[S] + 100_000_000).build()));
        assertEquals(300, f.remaining(), "the other side too: lowered");
        assertEquals("ESTABLISHED", f.stateName());
    }

    @Test
    @DisplayName("6.8: no lowering for an entry that is not ASSURED or has less than 120 s left")
    void invalidFinsNoLowering() {
        TcpFlow f = new TcpFlow().to(TcpState.SYN_RECV);
        f.send(f.seg(C, FINACK, 0).seq(f.next[C] + 10_000_000).build());
        f.send(f.seg(S, FINACK, 0).seq(f.next[S] + 10_000_000).build());
        assertEquals(60, f.remaining());
    }

    @Test
    @DisplayName("6.5g.1: an RST in a closing state is accepted without any sequence check")
    void rstInClosingStateUnchecked() {
        for (int state = TcpState.FIN_WAIT; state <= TcpState.CLOSE; state++) {
            TcpFlow f = new TcpFlow().to(state);
            Packet rst = f.seg(S, RST, 0).seq(f.next[S] + 1_500_000_000L).build();
            assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(rst), TcpState.name(state));
            assertEquals("CLOSE", f.stateName());
            assertEquals(10, f.remaining());
        }
        // the same RST in ESTABLISHED is checked (and fails)
        TcpFlow g = new TcpFlow().handshake();
        assertEquals(
                CtInfo.INVALID,
                g.send(g.seg(S, RST, 0).seq(g.next[S] + 1_500_000_000L).build()));
    }

    @Test
    @DisplayName("6.7: a loose pickup before any reply has its timeout capped at UNACK")
    void loosePickupCap() {
        Settings s = Settings.replayDefaults();
        s.tcpTimeoutUnacknowledged = 250;
        s.tcpTimeoutMaxRetrans = 400;
        TcpFlow f = new TcpFlow(s);
        f.send(C, ACK);
        assertEquals(250, f.remaining());
    }

    // ------------------------------------------------------------------ names and helpers

    @Test
    @DisplayName("state names as conntrack prints them")
    void stateNames() {
        String[] names = {
            "NONE",
            "SYN_SENT",
            "SYN_RECV",
            "ESTABLISHED",
            "FIN_WAIT",
            "CLOSE_WAIT",
            "LAST_ACK",
            "TIME_WAIT",
            "CLOSE",
            "SYN_SENT2"
        };
        for (int i = 0; i < names.length; i++) {
            assertEquals(names[i], TcpState.name(i));
        }
        TcpFlow f = new TcpFlow().to(TcpState.SYN_SENT2);
        assertEquals("SYN_SENT2", f.rec.ct.tracker(Packet.IPPROTO_TCP).stateName(f.conn()));
    }

    @Test
    @DisplayName("ConnCodec.copy of a TCP entry is a TcpConn with its own copy of the TCP data")
    void deepCopy() {
        TcpFlow f = new TcpFlow().handshake();
        TcpConn a = f.tcp();
        TcpConn b = (TcpConn) ConnCodec.copy(a, Trackers.ENTRY_TYPES);
        assertEquals(a.tcpString(), b.tcpString());
        b.setTdEnd(0, b.tdEnd(0) + 1);
        assertNotEquals(a.tcpString(), b.tcpString(), "per-direction data is copied, not shared");
        b.setTdEnd(0, a.tdEnd(0));
        b.state = TcpState.CLOSE;
        assertNotEquals(a.tcpString(), b.tcpString());
    }

    @Test
    @DisplayName("ConnCodec round trip of a TCP entry keeps every TCP field")
    void codecRoundTrip() throws Exception {
        TcpFlow f = new TcpFlow().handshake();
        f.send(f.seg(C, ACK, 100).build());
        TcpConn a = f.tcp();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ConnCodec.writeConn(a, Trackers.ENTRY_TYPES, new java.io.DataOutputStream(bytes));
        Conn back = ConnCodec.readConn(
                new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())),
                Trackers.ENTRY_TYPES);
        assertTrue(back instanceof TcpConn, "a TCP entry comes back as a TcpConn");
        assertEquals(a.tcpString(), ((TcpConn) back).tcpString());
        assertEquals(a.toString(), back.toString());
    }
}
