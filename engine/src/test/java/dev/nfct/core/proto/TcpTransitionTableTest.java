package dev.nfct.core.proto;

import static dev.nfct.core.proto.TcpState.CLOSE;
import static dev.nfct.core.proto.TcpState.CLOSE_WAIT;
import static dev.nfct.core.proto.TcpState.ESTABLISHED;
import static dev.nfct.core.proto.TcpState.FIN_WAIT;
import static dev.nfct.core.proto.TcpState.LAST_ACK;
import static dev.nfct.core.proto.TcpState.NONE;
import static dev.nfct.core.proto.TcpState.SYN_RECV;
import static dev.nfct.core.proto.TcpState.SYN_SENT;
import static dev.nfct.core.proto.TcpState.SYN_SENT2;
import static dev.nfct.core.proto.TcpState.TIME_WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfct.core.Conn;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.CtInfo;
import dev.nfct.core.EventType;
import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import dev.nfct.core.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test per cell of both TCP transition tables (6 packet classes x 10 states x 2 directions).
 * Every test drives a real entry into the source state with real packets, advances the clock by
 * one second (so that a refresh is visible), sends one in-window packet of the class in the
 * direction, and checks what happened. Where a special rule overrides the raw table (reopen,
 * RST kill of an unreplied entry, SYN retransmission), the name says so.
 */
class TcpTransitionTableTest {

    enum Kind {
        /** Accepted; the entry moves to {@code state}. */
        STATE,
        /** Accepted and moved to {@code state} but neither refreshed nor counted (SYN while SYN_SENT). */
        STATE_NOT_COUNTED,
        /** Invalid: ctinfo INVALID, entry untouched (or no entry created). */
        INVALID,
        /** Ignored: accepted with its ctinfo, no state change, no refresh, no counting. */
        IGNORE,
        /** The old entry is killed (DESTROY) and the packet creates a new one (NEW, SYN_SENT). */
        REOPEN,
        /** RST before any reply: the entry is killed with the RST counted. */
        KILLED,
        /** No entry: the packet is a first packet and creates an entry in {@code state}. */
        FIRST
    }

    static final class Cell {
        final int dir, cls, from;
        final Kind kind;
        final int state;
        final String note;
        /** Expected remaining timeout after the packet, -1 = the timeout of {@link #state}. */
        final long timeout;

        Cell(int dir, int cls, int from, Kind kind, int state, String note, long timeout) {
            this.dir = dir;
            this.cls = cls;
            this.from = from;
            this.kind = kind;
            this.state = state;
            this.note = note;
            this.timeout = timeout;
        }

        String result() {
            switch (kind) {
                case INVALID:
                    return "INVALID";
                case IGNORE:
                    return "IGNORE";
                default:
                    return TcpState.name(state);
            }
        }

        String name() {
            return (dir == 0 ? "original " : "reply ") + TcpTables.className(cls) + " in " + TcpState.name(from)
                    + " -> " + result() + (note.isEmpty() ? "" : " (" + note + ")");
        }

        @Override
        public String toString() {
            return name();
        }
    }

    private static final int O = 0, R = 1;
    private static final int SYN = TcpTables.C_SYN,
            SYNACK = TcpTables.C_SYNACK,
            FIN = TcpTables.C_FIN,
            ACK = TcpTables.C_ACK,
            RST = TcpTables.C_RST,
            NOFLAGS = TcpTables.C_NONE;

    private static final List<Cell> CELLS = new ArrayList<>();

    private static void st(int dir, int cls, int from, int to, String note) {
        CELLS.add(new Cell(dir, cls, from, Kind.STATE, to, note, -1));
    }

    private static void st(int dir, int cls, int from, int to) {
        st(dir, cls, from, to, "");
    }

    private static void iv(int dir, int cls, int from, String note) {
        CELLS.add(new Cell(dir, cls, from, Kind.INVALID, -1, note, -1));
    }

    private static void iv(int dir, int cls, int from) {
        iv(dir, cls, from, "");
    }

    private static void ig(int dir, int cls, int from, String note) {
        CELLS.add(new Cell(dir, cls, from, Kind.IGNORE, -1, note, -1));
    }

    private static void ig(int dir, int cls, int from) {
        ig(dir, cls, from, "");
    }

    private static void cell(int dir, int cls, int from, Kind kind, int to, String note, long timeout) {
        CELLS.add(new Cell(dir, cls, from, kind, to, note, timeout));
    }

    static {
        // =============================================== ORIGINAL direction
        // syn
        cell(O, SYN, NONE, Kind.FIRST, SYN_SENT, "new entry, ctinfo NEW", 120);
        cell(O, SYN, SYN_SENT, Kind.STATE_NOT_COUNTED, SYN_SENT, "retransmission: no refresh, not counted", 119);
        ig(O, SYN, SYN_RECV);
        ig(O, SYN, ESTABLISHED);
        ig(O, SYN, FIN_WAIT);
        ig(O, SYN, CLOSE_WAIT);
        ig(O, SYN, LAST_ACK);
        cell(O, SYN, TIME_WAIT, Kind.REOPEN, SYN_SENT, "reopen after orderly close: DESTROY+NEW", 120);
        cell(O, SYN, CLOSE, Kind.REOPEN, SYN_SENT, "reopen after own RST: DESTROY+NEW", 120);
        st(O, SYN, SYN_SENT2, SYN_SENT2);
        // synack
        cell(O, SYNACK, NONE, Kind.INVALID, -1, "cannot create an entry", -1);
        iv(O, SYNACK, SYN_SENT);
        st(O, SYNACK, SYN_RECV, SYN_RECV);
        iv(O, SYNACK, ESTABLISHED);
        iv(O, SYNACK, FIN_WAIT);
        iv(O, SYNACK, CLOSE_WAIT);
        iv(O, SYNACK, LAST_ACK);
        iv(O, SYNACK, TIME_WAIT);
        iv(O, SYNACK, CLOSE);
        st(O, SYNACK, SYN_SENT2, SYN_RECV, "simultaneous open");
        // fin
        cell(O, FIN, NONE, Kind.INVALID, -1, "cannot create an entry", -1);
        iv(O, FIN, SYN_SENT);
        st(O, FIN, SYN_RECV, FIN_WAIT);
        st(O, FIN, ESTABLISHED, FIN_WAIT);
        st(O, FIN, FIN_WAIT, LAST_ACK, "FIN retransmission");
        st(O, FIN, CLOSE_WAIT, LAST_ACK, "FIN retransmission");
        st(O, FIN, LAST_ACK, LAST_ACK);
        st(O, FIN, TIME_WAIT, TIME_WAIT);
        st(O, FIN, CLOSE, CLOSE);
        iv(O, FIN, SYN_SENT2);
        // ack
        cell(O, ACK, NONE, Kind.FIRST, ESTABLISHED, "loose pickup, UNACK timeout", 300);
        iv(O, ACK, SYN_SENT);
        st(O, ACK, SYN_RECV, ESTABLISHED, "handshake done, ASSURED");
        st(O, ACK, ESTABLISHED, ESTABLISHED);
        st(O, ACK, FIN_WAIT, CLOSE_WAIT, "ACK from the side that sent the FIN");
        st(O, ACK, CLOSE_WAIT, CLOSE_WAIT);
        st(O, ACK, LAST_ACK, TIME_WAIT);
        st(O, ACK, TIME_WAIT, TIME_WAIT);
        st(O, ACK, CLOSE, CLOSE);
        iv(O, ACK, SYN_SENT2);
        // rst
        cell(O, RST, NONE, Kind.INVALID, -1, "cannot create an entry", -1);
        cell(O, RST, SYN_SENT, Kind.KILLED, CLOSE, "no reply yet: kill, DESTROY", -1);
        st(O, RST, SYN_RECV, CLOSE);
        st(O, RST, ESTABLISHED, CLOSE, "exact seq");
        st(O, RST, FIN_WAIT, CLOSE, "closing: no window check");
        st(O, RST, CLOSE_WAIT, CLOSE, "closing: no window check");
        st(O, RST, LAST_ACK, CLOSE, "closing: no window check");
        st(O, RST, TIME_WAIT, CLOSE, "closing: no window check");
        st(O, RST, CLOSE, CLOSE, "closing: no window check");
        st(O, RST, SYN_SENT2, CLOSE);
        // none
        for (int s = 0; s < TcpState.STATES; s++) {
            iv(O, NOFLAGS, s, "flagless: fails the sanity check");
        }

        // =============================================== REPLY direction
        // The NONE column is unreachable: without an entry every packet is an ORIGINAL first packet.
        cell(R, SYN, NONE, Kind.FIRST, SYN_SENT, "no entry: first packet is ORIGINAL", 120);
        cell(R, SYN, SYN_SENT, Kind.STATE_NOT_COUNTED, SYN_SENT2, "simultaneous open: not counted, SEEN_REPLY", 119);
        iv(R, SYN, SYN_RECV);
        iv(R, SYN, ESTABLISHED);
        iv(R, SYN, FIN_WAIT);
        iv(R, SYN, CLOSE_WAIT);
        iv(R, SYN, LAST_ACK);
        cell(R, SYN, TIME_WAIT, Kind.REOPEN, SYN_SENT, "reopen: DESTROY+NEW, server is the new originator", 120);
        iv(R, SYN, CLOSE);
        st(R, SYN, SYN_SENT2, SYN_SENT2);
        // synack
        cell(R, SYNACK, NONE, Kind.INVALID, -1, "no entry: a first SYN-ACK cannot create one", -1);
        st(R, SYNACK, SYN_SENT, SYN_RECV);
        ig(R, SYNACK, SYN_RECV, "retransmission");
        ig(R, SYNACK, ESTABLISHED);
        ig(R, SYNACK, FIN_WAIT);
        ig(R, SYNACK, CLOSE_WAIT);
        ig(R, SYNACK, LAST_ACK);
        ig(R, SYNACK, TIME_WAIT);
        ig(R, SYNACK, CLOSE);
        st(R, SYNACK, SYN_SENT2, SYN_RECV, "simultaneous open");
        // fin
        cell(R, FIN, NONE, Kind.INVALID, -1, "no entry: a first FIN cannot create one", -1);
        iv(R, FIN, SYN_SENT);
        st(R, FIN, SYN_RECV, FIN_WAIT);
        st(R, FIN, ESTABLISHED, FIN_WAIT);
        st(R, FIN, FIN_WAIT, LAST_ACK);
        st(R, FIN, CLOSE_WAIT, LAST_ACK);
        st(R, FIN, LAST_ACK, LAST_ACK, "FIN retransmission");
        st(R, FIN, TIME_WAIT, TIME_WAIT, "FIN retransmission");
        st(R, FIN, CLOSE, CLOSE);
        iv(R, FIN, SYN_SENT2);
        // ack
        cell(R, ACK, NONE, Kind.FIRST, ESTABLISHED, "no entry: loose pickup with the server as originator", 300);
        ig(R, ACK, SYN_SENT, "possible challenge ACK");
        st(R, ACK, SYN_RECV, SYN_RECV);
        st(R, ACK, ESTABLISHED, ESTABLISHED);
        st(R, ACK, FIN_WAIT, CLOSE_WAIT);
        st(R, ACK, CLOSE_WAIT, CLOSE_WAIT);
        st(R, ACK, LAST_ACK, TIME_WAIT);
        st(R, ACK, TIME_WAIT, TIME_WAIT);
        st(R, ACK, CLOSE, CLOSE);
        ig(R, ACK, SYN_SENT2);
        // rst
        cell(R, RST, NONE, Kind.INVALID, -1, "no entry: a first RST cannot create one", -1);
        cell(R, RST, SYN_SENT, Kind.KILLED, CLOSE, "no reply yet: kill, DESTROY", -1);
        st(R, RST, SYN_RECV, CLOSE);
        st(R, RST, ESTABLISHED, CLOSE, "exact seq");
        st(R, RST, FIN_WAIT, CLOSE, "closing: no window check");
        st(R, RST, CLOSE_WAIT, CLOSE, "closing: no window check");
        st(R, RST, LAST_ACK, CLOSE, "closing: no window check");
        st(R, RST, TIME_WAIT, CLOSE, "closing: no window check");
        st(R, RST, CLOSE, CLOSE, "closing: no window check");
        st(R, RST, SYN_SENT2, CLOSE);
        // none
        for (int s = 0; s < TcpState.STATES; s++) {
            iv(R, NOFLAGS, s, "flagless: fails the sanity check");
        }
    }

    static Stream<Arguments> cells() {
        return CELLS.stream().map(c -> Arguments.of(c.name(), c));
    }

    private static int flagsOf(int cls) {
        switch (cls) {
            case TcpTables.C_SYN:
                return TcpFlow.SYN;
            case TcpTables.C_SYNACK:
                return TcpFlow.SYNACK;
            case TcpTables.C_FIN:
                return TcpFlow.FINACK;
            case TcpTables.C_ACK:
                return TcpFlow.ACK;
            case TcpTables.C_RST:
                return TcpFlow.RST;
            default:
                return 0;
        }
    }

    @Test
    void everyCellOfBothTablesHasExactlyOneTest() {
        assertEquals(2 * TcpTables.CLASSES * TcpState.STATES, CELLS.size());
        Set<String> keys = new HashSet<>();
        for (Cell c : CELLS) {
            assertTrue(keys.add(c.dir + "/" + c.cls + "/" + c.from), "duplicate " + c.name());
        }
    }

    @Test
    void theDataTableMatchesTheSpecification() {
        // The raw table entries (before the special rules), row by row as printed in the spec.
        String[][] orig = {
            {"SS", "SS", "IG", "IG", "IG", "IG", "IG", "SS", "SS", "S2"},
            {"IV", "IV", "SR", "IV", "IV", "IV", "IV", "IV", "IV", "SR"},
            {"IV", "IV", "FW", "FW", "LA", "LA", "LA", "TW", "CL", "IV"},
            {"ES", "IV", "ES", "ES", "CW", "CW", "TW", "TW", "CL", "IV"},
            {"IV", "CL", "CL", "CL", "CL", "CL", "CL", "CL", "CL", "CL"},
            {"IV", "IV", "IV", "IV", "IV", "IV", "IV", "IV", "IV", "IV"},
        };
        String[][] reply = {
            {"IV", "S2", "IV", "IV", "IV", "IV", "IV", "SS", "IV", "S2"},
            {"IV", "SR", "IG", "IG", "IG", "IG", "IG", "IG", "IG", "SR"},
            {"IV", "IV", "FW", "FW", "LA", "LA", "LA", "TW", "CL", "IV"},
            {"IV", "IG", "SR", "ES", "CW", "CW", "TW", "TW", "CL", "IG"},
            {"IV", "CL", "CL", "CL", "CL", "CL", "CL", "CL", "CL", "CL"},
            {"IV", "IV", "IV", "IV", "IV", "IV", "IV", "IV", "IV", "IV"},
        };
        List<String> abbrev = Arrays.asList("NO", "SS", "SR", "ES", "FW", "CW", "LA", "TW", "CL", "S2", "IV", "IG");
        for (int cls = 0; cls < TcpTables.CLASSES; cls++) {
            for (int s = 0; s < TcpState.STATES; s++) {
                assertEquals(orig[cls][s], abbrev.get(TcpTables.next(0, cls, s)), "orig " + cls + "/" + s);
                assertEquals(reply[cls][s], abbrev.get(TcpTables.next(1, cls, s)), "reply " + cls + "/" + s);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void cell(String name, Cell c) {
        try {
            check(c);
        } catch (AssertionError e) {
            throw new AssertionError(name + ": " + e.getMessage(), e);
        }
    }

    private void check(Cell c) {
        TcpFlow f = new TcpFlow();
        f.to(c.from);
        f.rec.at(1);
        f.rec.drain();
        Settings s = f.rec.settings;

        Conn before = c.from == NONE ? null : f.conn();
        String protoBefore = before == null ? null : ((TcpConn) before).tcpString();
        int statusBefore = before == null ? 0 : before.status;
        long timeoutBefore = before == null ? 0 : before.timeout;
        long[] countersBefore = before == null ? null : before.acct.clone();
        int stateBefore = before == null ? NONE : ((TcpConn) before).state;

        CtInfo ci = f.send(c.dir, flagsOf(c.cls));
        List<ConnEvent> events = new ArrayList<>(f.rec.events);

        switch (c.kind) {
            case INVALID:
                assertEquals(CtInfo.INVALID, ci, "ctinfo");
                assertTrue(events.isEmpty(), "no event for an invalid packet: " + events);
                if (before == null) {
                    assertEquals(0, f.entries(), "no entry created");
                } else {
                    assertEquals(1, f.entries());
                    assertEquals(protoBefore, ((TcpConn) before).tcpString(), "TCP data untouched");
                    assertEquals(statusBefore, before.status, "status untouched");
                    assertEquals(timeoutBefore, before.timeout, "timeout untouched");
                    assertArrayEquals(countersBefore, before.acct, "counters untouched");
                }
                break;
            case IGNORE: {
                assertEquals(
                        c.dir == 1
                                ? CtInfo.ESTABLISHED_REPLY
                                : before.is(Status.SEEN_REPLY) ? CtInfo.ESTABLISHED : CtInfo.NEW,
                        ci,
                        "keeps its ctinfo");
                assertEquals(1, f.entries());
                assertEquals(stateBefore, f.state(), "state unchanged");
                assertEquals(timeoutBefore, before.timeout, "timeout not refreshed");
                assertArrayEquals(countersBefore, before.acct, "not counted");
                for (ConnEvent e : events) {
                    assertNull(e.stateName, "no PROTOINFO event: " + e);
                }
                break;
            }
            case STATE:
            case STATE_NOT_COUNTED: {
                assertNotEquals(CtInfo.INVALID, ci, "accepted");
                assertEquals(
                        c.dir == 1
                                ? CtInfo.ESTABLISHED_REPLY
                                : before.is(Status.SEEN_REPLY) ? CtInfo.ESTABLISHED : CtInfo.NEW,
                        ci,
                        "ctinfo");
                assertEquals(1, f.entries());
                assertEquals(TcpState.name(c.state), f.stateName(), "state");
                long[] expect = countersBefore.clone();
                if (c.kind == Kind.STATE) {
                    expect[c.dir * 2]++;
                    expect[c.dir * 2 + 1] += f.seg(c.dir, flagsOf(c.cls), 0).build().l3Length;
                    long t = c.timeout >= 0 ? c.timeout : timeoutOf(s, c.state);
                    assertEquals(t, f.remaining(), "timeout");
                } else {
                    assertEquals(timeoutBefore, before.timeout, "timeout not refreshed");
                    assertEquals(c.timeout, f.remaining(), "timeout keeps counting down");
                }
                assertArrayEquals(expect, f.conn().acct, "counters");
                if (c.state != stateBefore) {
                    assertEquals(1, events.size(), "one event: " + events);
                    assertEquals(TcpState.name(c.state), events.get(0).stateName, "PROTOINFO event");
                    assertEquals(EventType.UPDATE, events.get(0).type);
                }
                if (c.from == SYN_RECV && c.state == ESTABLISHED) {
                    assertTrue(f.conn().is(Status.ASSURED), "ASSURED with the final ACK");
                }
                break;
            }
            case FIRST: {
                assertEquals(CtInfo.NEW, ci, "ctinfo NEW");
                Conn n = f.conn();
                assertEquals(TcpState.name(c.state), f.stateName());
                assertEquals(f.addr[c.dir], addrText(n.orig.srcLo), "the sender is the originator");
                assertEquals(c.timeout, f.remaining());
                assertTrue(!n.is(Status.SEEN_REPLY) && !n.is(Status.ASSURED));
                assertEquals(1, events.size());
                assertEquals(EventType.NEW, events.get(0).type);
                assertEquals(TcpState.name(c.state), events.get(0).stateName);
                break;
            }
            case REOPEN: {
                assertEquals(CtInfo.NEW, ci, "the SYN starts a fresh entry");
                assertEquals(2, events.size(), "DESTROY + NEW: " + events);
                assertEquals(EventType.DESTROY, events.get(0).type);
                assertEquals(TcpState.name(stateBefore), events.get(0).stateName);
                assertEquals(before.id, events.get(0).id);
                assertEquals(EventType.NEW, events.get(1).type);
                assertEquals("SYN_SENT", events.get(1).stateName);
                Conn n = f.conn();
                assertNotEquals(before.id, n.id, "a different entry");
                assertTrue(before.is(Status.DYING));
                assertEquals("SYN_SENT", f.stateName());
                assertEquals(f.addr[c.dir], addrText(n.orig.srcLo), "the SYN's sender is the originator");
                assertEquals(120, f.remaining());
                assertArrayEquals(new long[] {1, 60, 0, 0}, n.acct);
                break;
            }
            case KILLED: {
                assertNotEquals(CtInfo.INVALID, ci, "the RST itself is accepted");
                assertEquals(0, f.entries(), "entry removed");
                assertEquals(1, events.size(), "DESTROY only: " + events);
                ConnEvent d = events.get(0);
                assertEquals(EventType.DESTROY, d.type);
                assertEquals("CLOSE", d.stateName);
                assertEquals(0, d.status & Status.SEEN_REPLY, "still [UNREPLIED]");
                long[] expect = countersBefore.clone();
                expect[c.dir * 2]++;
                expect[c.dir * 2 + 1] += 40;
                assertArrayEquals(expect, d.counters, "RST counted before the kill");
                assertEquals(119, d.timeoutSeconds, "SYN_SENT timeout untouched");
                break;
            }
            default:
                throw new AssertionError(c.kind);
        }
    }

    static long timeoutOf(Settings s, int state) {
        return new TcpTracker(s).stateTimeout(state);
    }

    private static String addrText(long v4) {
        return ((v4 >>> 24) & 255) + "." + ((v4 >>> 16) & 255) + "." + ((v4 >>> 8) & 255) + "." + (v4 & 255);
    }

    @Test
    void flaglessSegmentIsRejectedBeforeTheTable() {
        TcpFlow f = new TcpFlow().to(ESTABLISHED);
        Packet p = f.seg(TcpFlow.C, 0, 0).build();
        assertEquals(CtInfo.INVALID, f.send(p));
    }
}
