package dev.nfct.core.proto;

import static dev.nfct.core.proto.SctpTables.ABORT;
import static dev.nfct.core.proto.SctpTables.COOKIE_ACK;
import static dev.nfct.core.proto.SctpTables.COOKIE_ECHO;
import static dev.nfct.core.proto.SctpTables.DATA;
import static dev.nfct.core.proto.SctpTables.ERROR;
import static dev.nfct.core.proto.SctpTables.HEARTBEAT;
import static dev.nfct.core.proto.SctpTables.HEARTBEAT_ACK;
import static dev.nfct.core.proto.SctpTables.INIT;
import static dev.nfct.core.proto.SctpTables.INIT_ACK;
import static dev.nfct.core.proto.SctpTables.SACK;
import static dev.nfct.core.proto.SctpTables.SHUTDOWN;
import static dev.nfct.core.proto.SctpTables.SHUTDOWN_ACK;
import static dev.nfct.core.proto.SctpTables.SHUTDOWN_COMPLETE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.core.Conn;
import dev.nfct.core.CtInfo;
import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import dev.nfct.core.Status;
import dev.nfct.core.Tuple;
import dev.nfct.testing.Packets;
import dev.nfct.testing.Recorder;
import java.util.List;
import org.junit.jupiter.api.Test;

class SctpTrackerTest {
    // The association of the reference capture sv-sctp.pcap.
    static final String C = "10.173.48.13", S = "88.82.6.134";
    static final int CP = 2906, SP = 6303;
    /** Initiate tag of the client's INIT (expected on server -> client packets). */
    static final long CTAG = 0xdd68d33dL;
    /** Initiate tag of the server's INIT_ACK (expected on client -> server packets). */
    static final long STAG = 0xd42b4892L;

    static Packets fromClient(long vtag) {
        return Packets.sctp(C, CP, S, SP, vtag);
    }

    static Packets fromServer(long vtag) {
        return Packets.sctp(S, SP, C, CP, vtag);
    }

    static Packet init() {
        return fromClient(0).chunk(INIT, 0, CTAG).build();
    }

    static Packet initAck() {
        return fromServer(CTAG).chunk(INIT_ACK, 0, STAG).build();
    }

    static Packet c(int... chunkTypes) {
        Packets b = fromClient(STAG);
        for (int t : chunkTypes) {
            b.chunk(t, 0, 0);
        }
        return b.build();
    }

    static Packet s(int... chunkTypes) {
        Packets b = fromServer(CTAG);
        for (int t : chunkTypes) {
            b.chunk(t, 0, 0);
        }
        return b.build();
    }

    static String state(Recorder rec) {
        return rec.ct.tracker(Packet.IPPROTO_SCTP).stateName(rec.only());
    }

    static long remaining(Recorder rec) {
        return rec.only().remainingSeconds(rec.now);
    }

    /** Runs the four-way handshake and returns the recorder, events drained. */
    static Recorder established() {
        Recorder rec = new Recorder();
        rec.forward(init());
        rec.forward(initAck());
        rec.forward(c(COOKIE_ECHO));
        rec.forward(s(COOKIE_ACK));
        rec.drain();
        return rec;
    }

    @Test
    void associationSetupMatchesTheKernelEventsOfSvSctp() {
        Recorder rec = new Recorder();
        assertThat(rec.forward(init())).isEqualTo(CtInfo.NEW);
        assertThat(rec.forward(initAck())).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.forward(c(COOKIE_ECHO))).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(rec.forward(s(COOKIE_ACK))).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        String o = "src=10.173.48.13 dst=88.82.6.134 sport=2906 dport=6303";
        String r = "src=88.82.6.134 dst=10.173.48.13 sport=6303 dport=2906";
        assertThat(rec.drain())
                .containsExactly(
                        "    [NEW] sctp     132 10 CLOSED " + o + " [UNREPLIED] " + r,
                        " [UPDATE] sctp     132 3 COOKIE_WAIT " + o + " " + r,
                        " [UPDATE] sctp     132 3 COOKIE_ECHOED " + o + " " + r,
                        " [UPDATE] sctp     132 210 ESTABLISHED " + o + " " + r + " [ASSURED]");
        Conn ct = rec.only();
        assertThat(ct.is(Status.ASSURED)).isTrue();
        SctpConn st = (SctpConn) ct;
        assertThat(st.vtag[0]).isEqualTo(STAG);
        assertThat(st.vtag[1]).isEqualTo(CTAG);
    }

    @Test
    void svSctpWholeCaptureByHand() {
        // Frames 1-16 of sv-sctp.pcap, then frames 17-19: DATA of another association (to .130)
        // that was set up before the capture started: no INIT, so no entry and invalid.
        Recorder rec = new Recorder();
        int[][] frames = {
            {0},
            {1},
            {0, COOKIE_ECHO},
            {1, COOKIE_ACK},
            {0, DATA},
            {1, SACK},
            {1, DATA, DATA},
            {1, SACK, DATA},
            {0, SACK, DATA},
            {0, DATA},
            {0, DATA},
            {1, DATA, DATA},
            {0, SACK},
            {1, SACK},
            {1, SACK, DATA, DATA, DATA},
            {0, SACK},
        };
        for (int i = 0; i < frames.length; i++) {
            int[] f = frames[i];
            Packet p = i == 0
                    ? init()
                    : i == 1
                            ? initAck()
                            : f[0] == 0
                                    ? c(java.util.Arrays.copyOfRange(f, 1, f.length))
                                    : s(java.util.Arrays.copyOfRange(f, 1, f.length));
            CtInfo want = i == 0 ? CtInfo.NEW : f[0] == 0 ? CtInfo.ESTABLISHED : CtInfo.ESTABLISHED_REPLY;
            assertThat(rec.forward(p)).as("frame %d", i + 1).isEqualTo(want);
        }
        assertThat(rec.drain()).hasSize(4);
        Packet f17 = Packets.sctp(C, 2905, "88.82.6.130", SP, 0x3d769144L)
                .chunk(DATA, 3, 0)
                .build();
        Packet f19 = Packets.sctp("88.82.6.130", SP, C, 2905, 0xe33e7286L)
                .chunk(DATA, 3, 0)
                .build();
        assertThat(rec.forward(f17)).isEqualTo(CtInfo.INVALID);
        assertThat(rec.forward(f17)).isEqualTo(CtInfo.INVALID);
        assertThat(rec.forward(f19)).isEqualTo(CtInfo.INVALID);
        assertThat(rec.drain()).isEmpty();
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
        assertThat(remaining(rec)).isEqualTo(210);
        assertThat(rec.ct.stats().invalid).isEqualTo(3);
    }

    @Test
    void dataAndSackKeepEstablishedAndRefresh() {
        Recorder rec = established();
        rec.at(100);
        assertThat(rec.forward(c(DATA))).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(rec.forward(s(SACK, DATA))).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.forward(c(ERROR))).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(rec.drain()).isEmpty();
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
        rec.at(150);
        assertThat(remaining(rec)).isEqualTo(160);
    }

    @Test
    void heartbeatOnAnEstablishedAssociationStaysEstablished() {
        Recorder rec = established();
        rec.at(60);
        assertThat(rec.forward(c(HEARTBEAT))).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(rec.forward(s(HEARTBEAT_ACK))).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.forward(s(HEARTBEAT))).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.forward(c(HEARTBEAT_ACK))).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(rec.drain()).isEmpty();
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
        assertThat(remaining(rec)).isEqualTo(210);
        // A heartbeat with another tag is let through but changes and counts nothing (kernel
        // runner, 6.18); a HEARTBEAT_ACK with another tag is invalid.
        long counted = rec.only().acct[0];
        assertThat(rec.forward(fromClient(0x1234).chunk(HEARTBEAT, 0, 0).build()))
                .isEqualTo(CtInfo.ESTABLISHED);
        assertThat(rec.only().acct[0]).isEqualTo(counted);
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
        assertThat(rec.forward(fromClient(0x1234).chunk(HEARTBEAT_ACK, 0, 0).build()))
                .isEqualTo(CtInfo.INVALID);
    }

    @Test
    void heartbeatPicksUpASecondaryPath() {
        Recorder rec = new Recorder();
        Packet hb = Packets.sctp("10.0.0.1", 5000, "10.0.0.2", 6000, 0xaaaa)
                .chunk(HEARTBEAT, 0, 0)
                .build();
        assertThat(rec.forward(hb)).isEqualTo(CtInfo.NEW);
        assertThat(state(rec)).isEqualTo("HEARTBEAT_SENT");
        assertThat(remaining(rec)).isEqualTo(30);
        assertThat(rec.drain()).singleElement().asString().contains("[NEW]", " 30 HEARTBEAT_SENT ");
        // Another tag in the original direction now that it is learnt: let through, not counted.
        assertThat(rec.forward(Packets.sctp("10.0.0.1", 5000, "10.0.0.2", 6000, 0xbbbb)
                        .chunk(HEARTBEAT, 0, 0)
                        .build()))
                .isEqualTo(CtInfo.NEW);
        assertThat(rec.only().acct[0]).isEqualTo(1);
        Packet ack = Packets.sctp("10.0.0.2", 6000, "10.0.0.1", 5000, 0xcccc)
                .chunk(HEARTBEAT_ACK, 0, 0)
                .build();
        assertThat(rec.forward(ack)).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
        assertThat(rec.only().is(Status.ASSURED)).isTrue();
        assertThat(rec.drain()).singleElement().asString().contains(" 210 ESTABLISHED ", "[ASSURED]");
        SctpConn st = (SctpConn) rec.only();
        assertThat(st.vtag).containsExactly(0xaaaaL, 0xccccL);
        Packet data = Packets.sctp("10.0.0.2", 6000, "10.0.0.1", 5000, 0xcccc)
                .chunk(DATA, 3, 0)
                .build();
        assertThat(rec.forward(data)).isEqualTo(CtInfo.ESTABLISHED_REPLY);
    }

    @Test
    void heartbeatBundledWithDataCannotCreate() {
        Recorder rec = new Recorder();
        Packet p = Packets.sctp("10.0.0.1", 5000, "10.0.0.2", 6000, 0xaaaa)
                .chunk(HEARTBEAT, 0, 0)
                .chunk(DATA, 3, 0)
                .build();
        assertThat(rec.forward(p)).isEqualTo(CtInfo.INVALID);
        assertThat(rec.ct.count()).isZero();
    }

    @Test
    void gracefulShutdownStartedByTheOriginalSide() {
        Recorder rec = established();
        rec.at(10);
        assertThat(rec.forward(c(SHUTDOWN))).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(state(rec)).isEqualTo("SHUTDOWN_SENT");
        assertThat(remaining(rec)).isEqualTo(3);
        assertThat(rec.forward(s(DATA))).isEqualTo(CtInfo.ESTABLISHED_REPLY); // peer still flushing
        assertThat(state(rec)).isEqualTo("SHUTDOWN_SENT");
        assertThat(rec.forward(s(SHUTDOWN_ACK))).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("SHUTDOWN_ACK_SENT");
        assertThat(remaining(rec)).isEqualTo(3);
        assertThat(rec.forward(c(SHUTDOWN_COMPLETE))).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(state(rec)).isEqualTo("CLOSED");
        assertThat(remaining(rec)).isEqualTo(10);
        List<String> ev = rec.drain();
        assertThat(ev).hasSize(3);
        assertThat(ev.get(0)).contains(" 3 SHUTDOWN_SENT ", "[ASSURED]");
        assertThat(ev.get(1)).contains(" 3 SHUTDOWN_ACK_SENT ");
        assertThat(ev.get(2)).contains(" 10 CLOSED ");
        rec.at(20.5);
        assertThat(rec.ct.expire(rec.now)).isEqualTo(1);
        assertThat(rec.drain()).singleElement().asString().startsWith("[DESTROY] sctp     132 CLOSED ");
    }

    @Test
    void gracefulShutdownStartedByTheReplySide() {
        Recorder rec = established();
        assertThat(rec.forward(s(SHUTDOWN))).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("SHUTDOWN_RECD");
        assertThat(rec.forward(s(SHUTDOWN))).isEqualTo(CtInfo.ESTABLISHED_REPLY); // retransmission
        assertThat(state(rec)).isEqualTo("SHUTDOWN_RECD");
        assertThat(rec.forward(c(SHUTDOWN_ACK))).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(state(rec)).isEqualTo("SHUTDOWN_ACK_SENT");
        // SHUTDOWN_COMPLETE with the T bit: the sender (server) has no TCB and reflects its own tag.
        Packet complete =
                fromServer(STAG).chunk(SHUTDOWN_COMPLETE, SctpTables.FLAG_T, 0).build();
        assertThat(rec.forward(complete)).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("CLOSED");
        assertThat(rec.drain()).hasSize(3);
    }

    @Test
    void shutdownCompleteWithTheWrongTagIsInvalid() {
        Recorder rec = established();
        rec.forward(c(SHUTDOWN));
        rec.forward(s(SHUTDOWN_ACK));
        // T bit set but the receiver's tag instead of the sender's own one.
        Packet bad =
                fromClient(STAG).chunk(SHUTDOWN_COMPLETE, SctpTables.FLAG_T, 0).build();
        assertThat(rec.forward(bad)).isEqualTo(CtInfo.INVALID);
        assertThat(state(rec)).isEqualTo("SHUTDOWN_ACK_SENT");
    }

    @Test
    void abortClosesFromAnyState() {
        Recorder rec = established();
        rec.at(5);
        assertThat(rec.forward(s(ABORT))).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("CLOSED");
        assertThat(remaining(rec)).isEqualTo(10);
        assertThat(rec.drain()).singleElement().asString().contains(" 10 CLOSED ", "[ASSURED]");

        // During setup, with the T bit (the client aborts its own INIT, reflecting its own tag).
        Recorder r2 = new Recorder();
        r2.forward(init());
        r2.forward(initAck());
        assertThat(state(r2)).isEqualTo("COOKIE_WAIT");
        Packet abortT = fromClient(CTAG).chunk(ABORT, SctpTables.FLAG_T, 0).build();
        assertThat(r2.forward(abortT)).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(state(r2)).isEqualTo("CLOSED");
        assertThat(r2.only().is(Status.ASSURED)).isFalse();

        // The responder refuses the INIT: ABORT carrying the INIT's initiate tag.
        Recorder r3 = new Recorder();
        r3.forward(init());
        assertThat(r3.forward(s(ABORT))).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(r3)).isEqualTo("CLOSED");
    }

    @Test
    void abortWithAWrongTagIsInvalid() {
        Recorder rec = established();
        assertThat(rec.forward(fromServer(0x99).chunk(ABORT, 0, 0).build())).isEqualTo(CtInfo.INVALID);
        // Without the T bit the sender's own tag is wrong too.
        assertThat(rec.forward(fromServer(STAG).chunk(ABORT, 0, 0).build())).isEqualTo(CtInfo.INVALID);
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
        assertThat(rec.drain()).isEmpty();
    }

    @Test
    void vtagMismatchIsInvalidAndChangesNothing() {
        Recorder rec = established();
        rec.at(100);
        // Client -> server must carry the server's tag; the client's own tag is wrong.
        assertThat(rec.forward(fromClient(CTAG).chunk(DATA, 3, 0).build())).isEqualTo(CtInfo.INVALID);
        assertThat(rec.forward(fromServer(STAG).chunk(SHUTDOWN, 0, 0).build())).isEqualTo(CtInfo.INVALID);
        // The tag belongs to the packet: every chunk of it is judged with it, all or nothing.
        assertThat(rec.forward(fromClient(0).chunk(SACK, 0, 0).chunk(DATA, 3, 0).build()))
                .isEqualTo(CtInfo.INVALID);
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
        assertThat(remaining(rec)).isEqualTo(110); // not refreshed
        long[] acct = rec.only().acct;
        assertThat(acct[0]).isEqualTo(2);
        assertThat(acct[2]).isEqualTo(2);
        assertThat(rec.ct.stats().invalid).isEqualTo(3);
        assertThat(rec.drain()).isEmpty();
    }

    @Test
    void setupChunksWithTheWrongTagAreInvalid() {
        Recorder rec = new Recorder();
        rec.forward(init());
        // INIT_ACK must carry the INIT's initiate tag.
        assertThat(rec.forward(fromServer(0x5555).chunk(INIT_ACK, 0, STAG).build()))
                .isEqualTo(CtInfo.INVALID);
        assertThat(state(rec)).isEqualTo("CLOSED");
        assertThat(rec.only().is(Status.SEEN_REPLY)).isFalse();
        rec.forward(initAck());
        assertThat(rec.forward(fromClient(CTAG).chunk(COOKIE_ECHO, 0, 0).build()))
                .isEqualTo(CtInfo.INVALID);
        assertThat(state(rec)).isEqualTo("COOKIE_WAIT");
    }

    @Test
    void initRetransmittedInClosedDoesNotRefreshTheTimeout() {
        Recorder rec = new Recorder();
        assertThat(rec.forward(init())).isEqualTo(CtInfo.NEW);
        rec.drain();
        rec.at(4);
        assertThat(rec.forward(init())).isEqualTo(CtInfo.NEW);
        assertThat(state(rec)).isEqualTo("CLOSED");
        assertThat(remaining(rec)).isEqualTo(6);
        assertThat(rec.only().acct[0]).isEqualTo(1); // not even counted (kernel runner, 6.18)
        assertThat(rec.drain()).isEmpty();
        rec.at(10);
        assertThat(rec.ct.expire(rec.now)).isEqualTo(1);
    }

    @Test
    void initMayBeRetransmittedWithANewTagAfterInitAck() {
        Recorder rec = new Recorder();
        rec.forward(init());
        rec.forward(initAck());
        rec.drain();
        Packet init2 = fromClient(0).chunk(INIT, 0, 0x7777).build();
        assertThat(rec.forward(init2)).isEqualTo(CtInfo.ESTABLISHED);
        // An INIT keeps COOKIE_WAIT (kernel runner, 6.18), and teaches its new tag.
        assertThat(state(rec)).isEqualTo("COOKIE_WAIT");
        assertThat(rec.forward(fromServer(0x7777).chunk(INIT_ACK, 0, 0x8888).build()))
                .isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("COOKIE_WAIT");
        assertThat(rec.forward(fromClient(0x8888).chunk(COOKIE_ECHO, 0, 0).build()))
                .isEqualTo(CtInfo.ESTABLISHED);
        assertThat(state(rec)).isEqualTo("COOKIE_ECHOED");
    }

    @Test
    void aFirstPacketThatMayNotOpenAnEntryIsInvalid() {
        // INIT_ACK, SHUTDOWN, ERROR and COOKIE_ECHO open one only with tag 0 (below).
        int[] types = {DATA, INIT_ACK, SACK, ABORT, SHUTDOWN, ERROR, COOKIE_ECHO, COOKIE_ACK, SHUTDOWN_COMPLETE};
        for (int t : types) {
            Recorder rec = new Recorder();
            Packet p = fromClient(STAG).chunk(t, 0, t == INIT_ACK ? 5 : 0).build();
            assertThat(rec.forward(p)).as("chunk type %d", t).isEqualTo(CtInfo.INVALID);
            assertThat(rec.ct.count()).isZero();
            assertThat(rec.ct.stats().invalid).isEqualTo(1);
            assertThat(rec.drain()).isEmpty();
        }
    }

    @Test
    void shutdownAckAndHeartbeatAckOpenAnEntryWhateverTheirTagAndOthersWithTagZero() {
        // Observed with the kernel runner (6.18): what each first packet leaves in the table.
        Object[][] cases = {
            {SHUTDOWN_ACK, STAG, "SHUTDOWN_ACK_SENT"},
            {HEARTBEAT_ACK, STAG, "CLOSED"},
            {INIT_ACK, 0L, "CLOSED"},
            {COOKIE_ECHO, 0L, "CLOSED"},
            {SHUTDOWN, 0L, "CLOSED"},
            {ERROR, 0L, "CLOSED"},
        };
        for (Object[] c : cases) {
            Recorder rec = new Recorder();
            int type = (Integer) c[0];
            Packet p = fromClient((Long) c[1])
                    .chunk(type, 0, type == INIT_ACK ? 5 : 0)
                    .build();
            assertThat(rec.forward(p)).as("chunk type %d", type).isEqualTo(CtInfo.NEW);
            assertThat(state(rec)).as("chunk type %d", type).isEqualTo(c[2]);
        }
    }

    @Test
    void malformedInitsAreInvalid() {
        Recorder rec = new Recorder();
        assertThat(rec.forward(fromClient(5).chunk(INIT, 0, CTAG).build()))
                .as("vtag != 0")
                .isEqualTo(CtInfo.INVALID);
        assertThat(rec.forward(
                        fromClient(0).chunk(INIT, 0, CTAG).chunk(DATA, 3, 0).build()))
                .as("bundled")
                .isEqualTo(CtInfo.INVALID);
        assertThat(rec.forward(fromClient(0).chunk(INIT, 0, 0).build()))
                .as("initiate tag 0")
                .isEqualTo(CtInfo.INVALID);
        Packet broken = fromClient(0).chunk(INIT, 0, CTAG).build();
        broken.sctpChunksBroken = true;
        assertThat(rec.forward(broken)).as("broken chunks").isEqualTo(CtInfo.INVALID);
        assertThat(rec.forward(fromClient(0).build())).as("no chunk").isEqualTo(CtInfo.INVALID);
        assertThat(rec.forward(fromClient(0).chunk(INIT, 0, CTAG).l4Length(8).build()))
                .as("short header")
                .isEqualTo(CtInfo.INVALID);
        assertThat(rec.ct.count()).isZero();
        // On an existing entry too.
        rec.forward(init());
        assertThat(rec.forward(fromClient(9).chunk(INIT, 0, CTAG).build())).isEqualTo(CtInfo.INVALID);
        Packet noChunks = c();
        assertThat(rec.forward(noChunks)).isEqualTo(CtInfo.INVALID);
    }

    @Test
    void badChecksumIsInvalidOnlyWhenChecked() {
        Settings s = new Settings();
        Recorder rec = new Recorder(s);
        Packet p = init();
        p.l4ChecksumOk = false;
        assertThat(rec.forward(p)).isEqualTo(CtInfo.INVALID);
        s.checksum = 0;
        assertThat(rec.forward(p)).isEqualTo(CtInfo.NEW);
    }

    @Test
    void restartOnAnEstablishedAssociation() {
        // As the kernel runner shows (6.18): the INIT counts and extends the timeout (a replay in
        // capture timing, ESTABLISHED timeout 40 s: 37 s left 3 s after the INIT), and its tag is
        // expected towards the client at once; the association stays ESTABLISHED throughout.
        Recorder rec = established();
        rec.at(100);
        Packet init2 = fromClient(0).chunk(INIT, 0, 0x1111).build();
        assertThat(rec.forward(init2)).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
        assertThat(remaining(rec)).isEqualTo(210);
        assertThat(rec.forward(c(DATA))).as("the client's old tag still good").isEqualTo(CtInfo.ESTABLISHED);
        assertThat(rec.forward(s(DATA))).as("the server's old tag refused").isEqualTo(CtInfo.INVALID);
        assertThat(rec.forward(fromServer(0x1111).chunk(INIT_ACK, 0, 0x2222).build()))
                .isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
        assertThat(rec.forward(fromClient(0x2222).chunk(COOKIE_ECHO, 0, 0).build()))
                .isEqualTo(CtInfo.ESTABLISHED);
        assertThat(rec.forward(fromServer(0x1111).chunk(COOKIE_ACK, 0, 0).build()))
                .isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
        assertThat(rec.forward(c(DATA))).as("old tag after restart").isEqualTo(CtInfo.INVALID);
        assertThat(rec.drain()).isEmpty();
    }

    @Test
    void initAckWithoutPendingRestartOnEstablishedIsIgnored() {
        Recorder rec = established();
        assertThat(rec.forward(initAck())).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
        assertThat(rec.drain()).isEmpty();
    }

    @Test
    void initCollisionStaysClosed() {
        // Both ends send INIT at once and the client answers the server's INIT: the kernel runner
        // (6.18) shows the entry staying CLOSED through the rest of the handshake (an INIT_ACK
        // from the INIT's own side leaves CLOSED as it is), and the second INIT not counted.
        Recorder rec = new Recorder();
        rec.forward(fromClient(0).chunk(INIT, 0, 0xA).build());
        assertThat(rec.forward(fromServer(0).chunk(INIT, 0, 0xB).build())).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("CLOSED");
        assertThat(rec.forward(fromClient(0xB).chunk(INIT_ACK, 0, 0xA).build())).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(state(rec)).isEqualTo("CLOSED");
        assertThat(rec.forward(fromServer(0xA).chunk(COOKIE_ECHO, 0, 0).build()))
                .isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.forward(fromClient(0xB).chunk(COOKIE_ACK, 0, 0).build())).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(state(rec)).isEqualTo("CLOSED");
        assertThat(rec.only().is(Status.ASSURED)).isFalse();
        assertThat(rec.only().acct[0]).isEqualTo(3);
        assertThat(rec.only().acct[2]).isEqualTo(1);
    }

    @Test
    void newAssociationAfterAbortReusesTheEntry() {
        Recorder rec = established();
        rec.forward(c(ABORT));
        assertThat(state(rec)).isEqualTo("CLOSED");
        rec.drain();
        rec.at(2);
        Packet init2 = fromClient(0).chunk(INIT, 0, 0x3333).build();
        assertThat(rec.forward(init2)).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(remaining(rec)).isEqualTo(8); // INIT in CLOSED: no refresh
        assertThat(rec.forward(fromServer(0x3333).chunk(INIT_ACK, 0, 0x4444).build()))
                .isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("COOKIE_WAIT");
        assertThat(remaining(rec)).isEqualTo(3);
    }

    @Test
    void dataBundledWithCookieEcho() {
        Recorder rec = new Recorder();
        rec.forward(init());
        rec.forward(initAck());
        assertThat(rec.forward(c(COOKIE_ECHO, DATA))).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(rec.forward(s(COOKIE_ACK, SACK))).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(state(rec)).isEqualTo("ESTABLISHED");
    }

    @Test
    void stateNamesAndCopy() {
        String[] names = {
            "NONE",
            "CLOSED",
            "COOKIE_WAIT",
            "COOKIE_ECHOED",
            "ESTABLISHED",
            "SHUTDOWN_SENT",
            "SHUTDOWN_RECD",
            "SHUTDOWN_ACK_SENT",
            "HEARTBEAT_SENT",
            "HEARTBEAT_ACKED"
        };
        for (int i = 0; i < names.length; i++) {
            assertThat(SctpState.name(i)).isEqualTo(names[i]);
        }
        // A copy of an entry has its own SCTP data.
        Tuple o = new Tuple(Packet.AF_INET, Packet.IPPROTO_SCTP, 0, 1, 0, 2, 5000, 6000, 0);
        SctpConn a = (SctpConn) SctpConn.TYPE.newEntry(o, o.swapped(), 1, 0, false, false, false);
        a.tracked = true;
        a.state = SctpState.ESTABLISHED;
        a.vtag[0] = 1;
        SctpConn b = (SctpConn) SctpConn.TYPE.newEntry(o, o.swapped(), 1, 0, false, false, false);
        SctpConn.TYPE.copyData(a, b);
        b.vtag[0] = 2;
        b.state = SctpState.CLOSED;
        assertThat(a.vtag[0]).isEqualTo(1);
        assertThat(new SctpTracker(new Settings()).stateName(a)).isEqualTo("ESTABLISHED");
        assertThat(new SctpTracker(new Settings()).stateName(b)).isEqualTo("CLOSED");
    }

    @Test
    void timeoutsFollowTheSettings() {
        Settings s = Settings.replayDefaults();
        s.sctpTimeoutClosed = 4;
        s.sctpTimeoutEstablished = 50;
        Recorder rec = new Recorder(s);
        rec.forward(init());
        assertThat(remaining(rec)).isEqualTo(4);
        rec.forward(initAck());
        rec.forward(c(COOKIE_ECHO));
        rec.forward(s(COOKIE_ACK));
        assertThat(remaining(rec)).isEqualTo(50);
    }
}
