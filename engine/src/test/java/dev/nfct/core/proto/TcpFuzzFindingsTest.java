package dev.nfct.core.proto;

import static dev.nfct.core.proto.TcpFlow.ACK;
import static dev.nfct.core.proto.TcpFlow.C;
import static dev.nfct.core.proto.TcpFlow.RST;
import static dev.nfct.core.proto.TcpFlow.RSTACK;
import static dev.nfct.core.proto.TcpFlow.S;
import static dev.nfct.core.proto.TcpFlow.SYN;
import static dev.nfct.core.proto.TcpFlow.SYNACK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nfct.core.CtInfo;
import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Rules found by differential fuzzing against kernel 6.18 where the specification (§6.5 g, §6.6,
 * §6.7) was wrong or incomplete; each was established by experiments against the real kernel
 * (docs/CONFORMANCE.md). The minimal captures are in src/test/resources/conformance/regressions/.
 */
class TcpFuzzFindingsTest {
    private static final long HALF = 1L << 31;

    private static Packet inWindowRst(TcpFlow f, int side) {
        return f.seg(side, RST, 0).seq(f.next[side] + 1000).build();
    }

    // ------------------------------------------------------------------ in-window, not exact RST

    @Test
    @DisplayName("an in-window, not exact RST keeps ESTABLISHED+ASSURED with the CLOSE timeout (not UNACK)")
    void inWindowRstGetsCloseTimeout() {
        TcpFlow f = new TcpFlow().handshake();
        assertEquals(CtInfo.ESTABLISHED, f.send(inWindowRst(f, C)));
        assertEquals("ESTABLISHED", f.stateName());
        assertEquals(10, f.remaining());
        TcpFlow g = new TcpFlow().handshake();
        assertEquals(CtInfo.ESTABLISHED_REPLY, g.send(inWindowRst(g, S)));
        assertEquals("ESTABLISHED", g.stateName());
        assertEquals(10, g.remaining(), "from the server too");
    }

    @Test
    @DisplayName("in-window RST: the value is nf_conntrack_tcp_timeout_close (500 -> 500), not capped by UNACK")
    void inWindowRstFollowsCloseSysctl() {
        Settings s = Settings.replayDefaults();
        s.tcpTimeoutClose = 500;
        TcpFlow f = new TcpFlow(s).handshake();
        f.send(inWindowRst(f, C));
        assertEquals(500, f.remaining());

        TcpFlow g = new TcpFlow(s).handshake();
        g.send(C, ACK, 100); // unacknowledged data: the UNACK rule would cap at 300
        g.send(g.seg(C, RST, 0).seq(g.next[C] - 50).build());
        assertEquals("ESTABLISHED", g.stateName());
        assertEquals(500, g.remaining(), "the RST rule comes before the unacknowledged-data rule");
    }

    @Test
    @DisplayName("in-window RST after a zero window: still the CLOSE timeout")
    void inWindowRstBeatsZeroWindowRule() {
        TcpFlow f = new TcpFlow().handshake();
        f.send(f.seg(S, ACK, 0).win(0).build());
        f.send(inWindowRst(f, C));
        assertEquals(10, f.remaining());
    }

    @Test
    @DisplayName("in-window RST after 3 duplicate ACKs: the retransmission rule wins (RETRANS)")
    void inWindowRstAfterDupAcksGetsRetrans() {
        TcpFlow f = new TcpFlow().handshake();
        for (int i = 0; i < 4; i++) {
            f.send(S, ACK);
        }
        f.send(inWindowRst(f, C));
        assertEquals(300, f.remaining());

        Settings s = Settings.replayDefaults();
        s.tcpTimeoutClose = 500;
        s.tcpTimeoutMaxRetrans = 1000;
        TcpFlow g = new TcpFlow(s).handshake();
        for (int i = 0; i < 4; i++) {
            g.send(S, ACK);
        }
        g.send(inWindowRst(g, C));
        assertEquals(1000, g.remaining(), "RETRANS even above the CLOSE timeout");
    }

    @Test
    @DisplayName("in-window RST: the retransmission rule is judged by the ESTABLISHED timeout (7 < 300: not taken)")
    void retransRuleJudgedByKeptState() {
        Settings s = Settings.replayDefaults();
        s.tcpTimeoutEstablished = 7;
        TcpFlow f = new TcpFlow(s).handshake();
        for (int i = 0; i < 4; i++) {
            f.send(S, ACK);
        }
        f.send(inWindowRst(f, C));
        assertEquals(10, f.remaining());
    }

    // ------------------------------------------------------------------ RST answering an ignored SYN

    @Test
    @DisplayName("an RST acking the ignored SYN skips the window check only when it comes from the other side")
    void rstAckingIgnoredSynMustComeFromTheOtherSide() {
        TcpFlow f = new TcpFlow().handshake();
        long newIsn = f.isn[C] + 900_000;
        assertEquals(CtInfo.ESTABLISHED, f.send(f.seg(C, SYN, 0).seq(newIsn).build())); // ignored
        Packet own = f.seg(C, RSTACK, 0)
                .seq(f.next[C] + 10_000_000)
                .ackNo(newIsn + 1)
                .build();
        assertEquals(CtInfo.INVALID, f.send(own), "the SYN's own side: window-checked, out of window");
        assertEquals("ESTABLISHED", f.stateName());

        TcpFlow g = new TcpFlow().handshake();
        g.send(g.seg(C, SYN, 0).seq(newIsn).build());
        Packet other = g.seg(S, RSTACK, 0)
                .seq(g.next[S] + 10_000_000)
                .ackNo(newIsn + 1)
                .build();
        assertEquals(CtInfo.ESTABLISHED_REPLY, g.send(other));
        assertEquals("CLOSE", g.stateName());
    }

    @Test
    @DisplayName("SYN_SENT, SYN-ACK with a bad ack (window IGNORE), then the client's RST+ACK ack=0 is window-checked")
    void synSentRstAckZeroFromTheSynSide() {
        // tcp-synsent-rst-ack0-ignored: last_end is still 0 and the last packet is the client's SYN
        TcpFlow f = new TcpFlow();
        f.send(C, SYN);
        Packet badSynAck = f.seg(S, SYNACK, 0).ackNo(f.next[C] - 1_432_623_728L).build();
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(badSynAck));
        assertEquals("SYN_SENT", f.stateName());
        long[] before = f.counters();

        Packet far = f.seg(C, RSTACK, 0).seq(f.next[C] + 10_000_000).ackNo(0).build();
        assertEquals(CtInfo.INVALID, f.send(far));
        Packet plausible = f.seg(C, RSTACK, 0).seq(f.next[C] + 638).ackNo(0).build();
        assertEquals(CtInfo.ESTABLISHED, f.send(plausible), "over the window but plausibly: IGNORE");
        assertEquals("SYN_SENT", f.stateName());
        assertArrayEquals(before, f.counters(), "ignored: not counted");

        // the same RST from the server (the other side of the SYN) skips the window check
        TcpFlow g = new TcpFlow();
        g.send(C, SYN);
        g.send(g.seg(S, SYNACK, 0).ackNo(g.next[C] - 1_432_623_728L).build());
        assertEquals(
                CtInfo.ESTABLISHED_REPLY,
                g.send(g.seg(S, RSTACK, 0).seq(g.isn[S] + 10_000_000).ackNo(0).build()));
        assertEquals("CLOSE", g.stateName());
    }

    // ------------------------------------------------------------------ SACK fold in the window check

    @Test
    @DisplayName("a SACK fold that ends behind the ack is used as it is: ACK under the lower bound -> IGNORE")
    void sackFoldBehindTheAckIsUsed() {
        TcpFlow f = new TcpFlow().handshake();
        f.send(C, ACK, 100);
        long[] before = f.counters();
        // the decoder's fold of edges ack+100 then ack+100+(2^31-1): each after the previous one,
        // but the result lies 2^31-99 before the ack
        long behind = (f.next[C] + 100 + HALF - 1) & 0xffffffffL;
        Packet p = f.seg(S, ACK, 0).sack(behind).build();
        assertEquals(CtInfo.ESTABLISHED_REPLY, f.send(p));
        assertArrayEquals(before, f.counters(), "ignored: not counted, timeout not refreshed");
        assertEquals(300, f.remaining(), "the client's data is still unacknowledged");
    }

    @Test
    @DisplayName("SACK blocks are used only if the side they acknowledge (the receiver) sent SACK-permitted")
    void sackNeedsTheReceiversPermission() {
        TcpFlow f = new TcpFlow();
        f.send(C, SYN); // client: SACK-permitted
        f.sackPerm = false;
        f.send(S, SYNACK);
        f.send(C, ACK);
        f.send(C, ACK, 100);
        assertEquals(
                CtInfo.INVALID, f.send(f.seg(S, ACK, 0).sack(f.next[C] + 50).build()), "over the client's end");

        TcpFlow g = new TcpFlow();
        g.sackPerm = false;
        g.send(C, SYN); // client: no SACK-permitted
        g.sackPerm = true;
        g.send(S, SYNACK);
        g.send(C, ACK);
        g.send(C, ACK, 100);
        assertEquals(
                CtInfo.ESTABLISHED_REPLY,
                g.send(g.seg(S, ACK, 0).sack(g.next[C] + 50).build()),
                "the server's own SACK-permitted does not count");
    }
}
