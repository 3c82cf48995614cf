package dev.nfct.core.format;

import static dev.nfct.testing.Packets.tuple;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.core.Conn;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.CtInfo;
import dev.nfct.core.EventBits;
import dev.nfct.core.EventType;
import dev.nfct.core.Settings;
import dev.nfct.core.Status;
import dev.nfct.core.Tuple;
import dev.nfct.testing.Packets;
import dev.nfct.testing.Recorder;
import org.junit.jupiter.api.Test;

/**
 * The exact text of {@code conntrack -E}, {@code -E -o extended}, {@code -L} (§8.4, captured lines of
 * §8.5) and the JSON form, for every protocol family the engine knows.
 */
class EventFormatTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_000_000_000_000L;

    private static ConnEvent ev(
            EventType type,
            int bits,
            Tuple o,
            Tuple r,
            int status,
            String state,
            long timeout,
            long[] counters,
            boolean ts,
            long start,
            long stop) {
        return new ConnEvent(
                type, bits, T0 + 10 * S, o, r, status, state, timeout, counters, ts, start, stop, 12345, 0);
    }

    private static final Tuple TCP_O = tuple(6, "10.200.0.1", "10.200.0.2", 57370, 5001);
    private static final Tuple TCP_R = tuple(6, "10.200.0.2", "10.200.0.1", 5001, 57370);
    private static final int CONF = Status.CONFIRMED;
    private static final int REPLIED = Status.CONFIRMED | Status.SEEN_REPLY;
    private static final int ASSURED = REPLIED | Status.ASSURED;

    // ------------------------------------------------------------------------------ TCP (-E)

    @Test
    void tcpEventsMatchTheCapturedHandshakeAndClose() {
        assertThat(EventFormat.event(
                        ev(
                                EventType.NEW,
                                EventBits.NEW | EventBits.PROTOINFO,
                                TCP_O,
                                TCP_R,
                                CONF,
                                "SYN_SENT",
                                120,
                                null,
                                false,
                                0,
                                0),
                        false))
                .isEqualTo(
                        "    [NEW] tcp      6 120 SYN_SENT src=10.200.0.1 dst=10.200.0.2 sport=57370 dport=5001 [UNREPLIED] src=10.200.0.2 dst=10.200.0.1 sport=5001 dport=57370");
        assertThat(EventFormat.event(
                        ev(
                                EventType.UPDATE,
                                EventBits.REPLY | EventBits.PROTOINFO,
                                TCP_O,
                                TCP_R,
                                REPLIED,
                                "SYN_RECV",
                                60,
                                null,
                                false,
                                0,
                                0),
                        false))
                .isEqualTo(
                        " [UPDATE] tcp      6 60 SYN_RECV src=10.200.0.1 dst=10.200.0.2 sport=57370 dport=5001 src=10.200.0.2 dst=10.200.0.1 sport=5001 dport=57370");
        assertThat(EventFormat.event(
                        ev(
                                EventType.UPDATE,
                                EventBits.ASSURED | EventBits.PROTOINFO,
                                TCP_O,
                                TCP_R,
                                ASSURED,
                                "ESTABLISHED",
                                432000,
                                null,
                                false,
                                0,
                                0),
                        false))
                .isEqualTo(
                        " [UPDATE] tcp      6 432000 ESTABLISHED src=10.200.0.1 dst=10.200.0.2 sport=57370 dport=5001 src=10.200.0.2 dst=10.200.0.1 sport=5001 dport=57370 [ASSURED]");
        assertThat(EventFormat.event(
                        ev(
                                EventType.UPDATE,
                                EventBits.PROTOINFO,
                                TCP_O,
                                TCP_R,
                                ASSURED,
                                "TIME_WAIT",
                                4,
                                null,
                                false,
                                0,
                                0),
                        false))
                .isEqualTo(
                        " [UPDATE] tcp      6 4 TIME_WAIT src=10.200.0.1 dst=10.200.0.2 sport=57370 dport=5001 src=10.200.0.2 dst=10.200.0.1 sport=5001 dport=57370 [ASSURED]");
    }

    @Test
    void tcpUpdateWithoutProtoinfoHasNoStateColumn() {
        Tuple o = tuple(6, "10.200.0.1", "10.200.0.2", 46100, 5010),
                r = tuple(6, "10.200.0.2", "10.200.0.1", 5010, 46100);
        assertThat(EventFormat.event(
                        ev(EventType.UPDATE, EventBits.ASSURED, o, r, ASSURED, null, 300, null, false, 0, 0), false))
                .isEqualTo(
                        " [UPDATE] tcp      6 300 src=10.200.0.1 dst=10.200.0.2 sport=46100 dport=5010 src=10.200.0.2 dst=10.200.0.1 sport=5010 dport=46100 [ASSURED]");
    }

    @Test
    void tcpDestroyCarriesCountersAndDeltaTimeAndItsTimeoutWhileStillPositive() {
        Tuple o = tuple(6, "10.200.0.1", "10.200.0.2", 6402, 7401),
                r = tuple(6, "10.200.0.2", "10.200.0.1", 7401, 6402);
        long start = T0 + 9 * S + 250_000_000L;
        ConnEvent e = ev(
                EventType.DESTROY,
                EventBits.DESTROY,
                o,
                r,
                ASSURED | Status.DYING,
                "CLOSE",
                9,
                new long[] {3, 132, 1, 52},
                true,
                start,
                T0 + 10 * S);
        assertThat(EventFormat.event(e, false))
                .isEqualTo(
                        "[DESTROY] tcp      6 9 CLOSE src=10.200.0.1 dst=10.200.0.2 sport=6402 dport=7401 packets=3 bytes=132 "
                                + "src=10.200.0.2 dst=10.200.0.1 sport=7401 dport=6402 packets=1 bytes=52 [ASSURED] delta-time=1");
        // The SYN killed by an RST: [UNREPLIED] stays, after the original counters.
        Tuple o2 = tuple(6, "10.200.0.1", "10.200.0.2", 47202, 5998),
                r2 = tuple(6, "10.200.0.2", "10.200.0.1", 5998, 47202);
        assertThat(EventFormat.event(
                        ev(
                                EventType.DESTROY,
                                EventBits.DESTROY,
                                o2,
                                r2,
                                CONF | Status.DYING,
                                "CLOSE",
                                120,
                                new long[] {1, 60, 1, 40},
                                true,
                                T0 + 10 * S,
                                T0 + 10 * S),
                        false))
                .isEqualTo(
                        "[DESTROY] tcp      6 120 CLOSE src=10.200.0.1 dst=10.200.0.2 sport=47202 dport=5998 packets=1 bytes=60 [UNREPLIED] "
                                + "src=10.200.0.2 dst=10.200.0.1 sport=5998 dport=47202 packets=1 bytes=40 delta-time=0");
    }

    @Test
    void extendedOutputAddsTheL3Column() {
        Tuple o = tuple(6, "10.200.0.1", "10.200.0.2", 6001, 7001),
                r = tuple(6, "10.200.0.2", "10.200.0.1", 7001, 6001);
        ConnEvent e = ev(
                EventType.DESTROY,
                EventBits.DESTROY,
                o,
                r,
                CONF | Status.DYING,
                "ESTABLISHED",
                182,
                new long[] {1, 40, 0, 0},
                true,
                T0 + 10 * S - 118 * S,
                T0 + 10 * S);
        assertThat(EventFormat.event(e, true))
                .isEqualTo(
                        "[DESTROY] ipv4     2 tcp      6 182 ESTABLISHED src=10.200.0.1 dst=10.200.0.2 sport=6001 dport=7001 packets=1 bytes=40 [UNREPLIED] "
                                + "src=10.200.0.2 dst=10.200.0.1 sport=7001 dport=6001 packets=0 bytes=0 delta-time=118");
        Tuple o6 = tuple(58, "fd00:200::1", "fd00:200::2", 13107, 128 << 8),
                r6 = tuple(58, "fd00:200::2", "fd00:200::1", 13107, 129 << 8);
        assertThat(EventFormat.event(ev(EventType.NEW, EventBits.NEW, o6, r6, CONF, null, 30, null, false, 0, 0), true))
                .isEqualTo(
                        "    [NEW] ipv6     10 icmpv6   58 30 src=fd00:200::1 dst=fd00:200::2 type=128 code=0 id=13107 [UNREPLIED] "
                                + "src=fd00:200::2 dst=fd00:200::1 type=129 code=0 id=13107");
        // -L -o extended
        Tuple o2 = tuple(6, "10.200.0.1", "10.200.0.2", 50698, 5003),
                r2 = tuple(6, "10.200.0.2", "10.200.0.1", 5003, 50698);
        ConnEvent dump = new ConnEvent(
                null,
                0,
                T0 + 10 * S,
                o2,
                r2,
                ASSURED,
                "TIME_WAIT",
                1,
                new long[] {6, 325, 5, 279},
                true,
                T0 + 9 * S,
                0,
                1,
                0);
        assertThat(EventFormat.entry(dump, true))
                .isEqualTo(
                        "ipv4     2 tcp      6 1 TIME_WAIT src=10.200.0.1 dst=10.200.0.2 sport=50698 dport=5003 packets=6 bytes=325 "
                                + "src=10.200.0.2 dst=10.200.0.1 sport=5003 dport=50698 packets=5 bytes=279 [ASSURED] mark=0 delta-time=1 use=1");
    }

    @Test
    void listingShowsMarkUseCountersAndDeltaTime() {
        Tuple o = tuple(6, "10.200.0.1", "10.200.0.2", 6301, 7300),
                r = tuple(6, "10.200.0.2", "10.200.0.1", 7300, 6301);
        ConnEvent dump = new ConnEvent(
                null,
                0,
                T0 + 10 * S,
                o,
                r,
                ASSURED,
                "ESTABLISHED",
                431999,
                new long[] {2, 92, 1, 52},
                true,
                T0 + 9 * S + 900_000_000L,
                0,
                1,
                0);
        assertThat(EventFormat.entry(dump, false))
                .isEqualTo(
                        "tcp      6 431999 ESTABLISHED src=10.200.0.1 dst=10.200.0.2 sport=6301 dport=7300 packets=2 bytes=92 "
                                + "src=10.200.0.2 dst=10.200.0.1 sport=7300 dport=6301 packets=1 bytes=52 [ASSURED] mark=0 delta-time=1 use=1");
        // IPv6 TCP without reply, as captured.
        Tuple o6 = tuple(6, "fd00:200::1", "fd00:200::2", 6200, 7200),
                r6 = tuple(6, "fd00:200::2", "fd00:200::1", 7200, 6200);
        assertThat(EventFormat.entry(
                        new ConnEvent(
                                null,
                                0,
                                T0,
                                o6,
                                r6,
                                CONF,
                                "SYN_SENT",
                                119,
                                new long[] {1, 60, 0, 0},
                                true,
                                T0,
                                0,
                                1,
                                0),
                        false))
                .isEqualTo(
                        "tcp      6 119 SYN_SENT src=fd00:200::1 dst=fd00:200::2 sport=6200 dport=7200 packets=1 bytes=60 [UNREPLIED] "
                                + "src=fd00:200::2 dst=fd00:200::1 sport=7200 dport=6200 packets=0 bytes=0 mark=0 delta-time=0 use=1");
        // A non-zero mark is printed (unsigned) in events too.
        ConnEvent marked =
                new ConnEvent(EventType.UPDATE, EventBits.MARK, T0, o, r, ASSURED, null, 100, null, false, 0, 0, 1, -1);
        assertThat(EventFormat.event(marked, false)).endsWith("[ASSURED] mark=4294967295");
    }

    @Test
    void sctpAndGreAndGenericLines() {
        Tuple so = tuple(132, "10.0.0.1", "10.0.0.2", 5000, 5001), sr = tuple(132, "10.0.0.2", "10.0.0.1", 5001, 5000);
        assertThat(EventFormat.event(
                        ev(
                                EventType.NEW,
                                EventBits.NEW | EventBits.PROTOINFO,
                                so,
                                sr,
                                CONF,
                                "COOKIE_WAIT",
                                3,
                                null,
                                false,
                                0,
                                0),
                        false))
                .isEqualTo(
                        "    [NEW] sctp     132 3 COOKIE_WAIT src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=5001 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=5001 dport=5000");
        Tuple go = tuple(47, "10.0.0.1", "10.0.0.2", 0, 0x1f4), gr = tuple(47, "10.0.0.2", "10.0.0.1", 0x1f4, 0);
        assertThat(EventFormat.event(
                        ev(
                                EventType.UPDATE,
                                EventBits.REPLY | EventBits.ASSURED,
                                go,
                                gr,
                                ASSURED,
                                null,
                                180,
                                null,
                                false,
                                0,
                                0),
                        false))
                .isEqualTo(
                        " [UPDATE] gre      47 180 src=10.0.0.1 dst=10.0.0.2 srckey=0x0 dstkey=0x1f4 src=10.0.0.2 dst=10.0.0.1 srckey=0x1f4 dstkey=0x0 [ASSURED]");
        Tuple xo = tuple(50, "10.0.0.1", "10.0.0.2", 0, 0), xr = tuple(50, "10.0.0.2", "10.0.0.1", 0, 0);
        assertThat(EventFormat.event(
                        ev(EventType.NEW, EventBits.NEW, xo, xr, CONF, null, 600, null, false, 0, 0), true))
                .isEqualTo(
                        "    [NEW] ipv4     2 unknown  50 600 src=10.0.0.1 dst=10.0.0.2 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1");
    }

    @Test
    void eventLabelIsRightAlignedInNineCharactersAndNoLineEndsInASpace() {
        Tuple o = tuple(17, "10.0.0.1", "10.0.0.2", 1, 2), r = tuple(17, "10.0.0.2", "10.0.0.1", 2, 1);
        String n = EventFormat.event(ev(EventType.NEW, EventBits.NEW, o, r, CONF, null, 30, null, false, 0, 0), false);
        String u = EventFormat.event(
                ev(EventType.UPDATE, EventBits.REPLY, o, r, REPLIED, null, 30, null, false, 0, 0), false);
        String d = EventFormat.event(
                ev(EventType.DESTROY, EventBits.DESTROY, o, r, REPLIED | Status.DYING, null, -1, null, false, 0, 0),
                false);
        assertThat(n).startsWith("    [NEW] udp      17 30 ");
        assertThat(u).startsWith(" [UPDATE] udp      17 30 ");
        assertThat(d).startsWith("[DESTROY] udp      17 src=");
        for (String line : new String[] {n, u, d}) {
            assertThat(line.substring(0, 9)).hasSize(9).endsWith("]");
            assertThat(line.charAt(9)).isEqualTo(' ');
            assertThat(line).doesNotEndWith(" ").doesNotContain("  src").doesNotContain("\n");
        }
        assertThat(EventFormat.entry(ev(null, 0, o, r, REPLIED, null, 0, null, false, 0, 0), false))
                .isEqualTo(
                        "udp      17 0 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 use=1");
    }

    @Test
    void deltaTimeIsTheDifferenceOfWholeSecondsAsLibnetfilterConntrackComputesIt() {
        Tuple o = tuple(17, "10.0.0.1", "10.0.0.2", 1, 2), r = tuple(17, "10.0.0.2", "10.0.0.1", 2, 1);
        long sec = 1_795_589_000L * S;
        // stop/1e9 - start/1e9, each truncated first: 0.9 -> 1.1 crosses a second boundary.
        ConnEvent crossing = ev(
                EventType.DESTROY,
                EventBits.DESTROY,
                o,
                r,
                CONF | Status.DYING,
                null,
                -1,
                null,
                true,
                sec + 900_000_000L,
                sec + S + 100_000_000L);
        assertThat(EventFormat.event(crossing, false)).endsWith(" delta-time=1");
        ConnEvent within = ev(
                EventType.DESTROY,
                EventBits.DESTROY,
                o,
                r,
                CONF | Status.DYING,
                null,
                -1,
                null,
                true,
                sec + 100_000_000L,
                sec + 900_000_000L);
        assertThat(EventFormat.event(within, false)).endsWith(" delta-time=0");
        ConnEvent almostTwo = ev(
                EventType.DESTROY,
                EventBits.DESTROY,
                o,
                r,
                CONF | Status.DYING,
                null,
                -1,
                null,
                true,
                sec + 100_000_000L,
                sec + 2 * S - 1);
        assertThat(EventFormat.event(almostTwo, false)).endsWith(" delta-time=1");
        // -L: "now" (the event time) instead of stop.
        ConnEvent listed = new ConnEvent(
                null, 0, sec + 3 * S + 50_000_000L, o, r, CONF, null, 26, null, true, sec + 990_000_000L, 0, 1, 0);
        assertThat(EventFormat.entry(listed, false)).endsWith(" mark=0 delta-time=3 use=1");
    }

    @Test
    void icmpv6ListingMatchesTheCaptureIncludingDeltaTimeAcrossASecondBoundary() {
        // Captured: "icmpv6 58 29 ... delta-time=1" although the ping was answered at once and
        // listed less than a second later: start and now fall into different wall-clock seconds.
        Recorder rec = new Recorder();
        rec.at(0.8)
                .forward(Packets.icmp("fd00:200::1", "fd00:200::2", 128, 0, 13107)
                        .build());
        rec.at(0.8002)
                .forward(Packets.icmp("fd00:200::2", "fd00:200::1", 129, 0, 13107)
                        .build());
        Conn c = rec.only();
        rec.at(1.5);
        assertThat(rec.dump(c))
                .isEqualTo(
                        "icmpv6   58 29 src=fd00:200::1 dst=fd00:200::2 type=128 code=0 id=13107 packets=1 bytes=48 "
                                + "src=fd00:200::2 dst=fd00:200::1 type=129 code=0 id=13107 packets=1 bytes=48 mark=0 delta-time=1 use=1");
    }

    // ------------------------------------------------------------------------------ through the engine

    @Test
    void engineDumpAndDestroyForUdpMatchTheCapturedListingAndUserspaceDelete() {
        Settings s = Settings.replayDefaults();
        s.udpTimeout = 3;
        s.udpTimeoutStream = 5;
        Recorder rec = new Recorder(s);
        rec.at(0)
                .forward(Packets.udp("10.200.0.1", 44000, "10.200.0.2", 5006)
                        .payload(10)
                        .build());
        rec.at(0.1)
                .forward(Packets.udp("10.200.0.2", 5006, "10.200.0.1", 44000)
                        .payload(11)
                        .build());
        rec.at(2.5)
                .forward(Packets.udp("10.200.0.1", 44000, "10.200.0.2", 5006)
                        .payload(10)
                        .build());
        rec.at(2.6)
                .forward(Packets.udp("10.200.0.2", 5006, "10.200.0.1", 44000)
                        .payload(11)
                        .build());
        Conn c = rec.only();
        rec.at(3.1);
        assertThat(rec.dump(c))
                .isEqualTo(
                        "udp      17 4 src=10.200.0.1 dst=10.200.0.2 sport=44000 dport=5006 packets=2 bytes=76 "
                                + "src=10.200.0.2 dst=10.200.0.1 sport=5006 dport=44000 packets=2 bytes=78 [ASSURED] mark=0 delta-time=3 use=1");
        rec.events.clear();
        rec.at(4.1);
        assertThat(rec.ct.kill(c, rec.now)).isTrue();
        assertThat(EventFormat.event(rec.last(), true))
                .isEqualTo(
                        "[DESTROY] ipv4     2 udp      17 3 src=10.200.0.1 dst=10.200.0.2 sport=44000 dport=5006 packets=2 bytes=76 "
                                + "src=10.200.0.2 dst=10.200.0.1 sport=5006 dport=44000 packets=2 bytes=78 [ASSURED] delta-time=4");
        assertThat(c.stop).as("killed before expiry: stop = now").isEqualTo(rec.now);
        assertThat(rec.ct.kill(c, rec.now)).as("second kill does nothing").isFalse();
        assertThat(rec.events).hasSize(1);
    }

    @Test
    void engineLinesForIcmpv6GenericAndGre() {
        Recorder rec = new Recorder();
        rec.at(0)
                .forward(Packets.icmp("fd00:200::1", "fd00:200::2", 128, 0, 13107)
                        .build());
        rec.at(0.0002)
                .forward(Packets.icmp("fd00:200::2", "fd00:200::1", 129, 0, 13107)
                        .build());
        Conn v6 = rec.r.ct;
        rec.at(1.0001);
        assertThat(rec.dump(v6))
                .isEqualTo(
                        "icmpv6   58 29 src=fd00:200::1 dst=fd00:200::2 type=128 code=0 id=13107 packets=1 bytes=48 "
                                + "src=fd00:200::2 dst=fd00:200::1 type=129 code=0 id=13107 packets=1 bytes=48 mark=0 delta-time=1 use=1");

        rec.at(2).forward(Packets.other(50, "10.0.0.1", "10.0.0.2").payload(52).build());
        Conn esp = rec.r.ct;
        assertThat(EventFormat.event(rec.last(), false))
                .isEqualTo("    [NEW] unknown  50 600 src=10.0.0.1 dst=10.0.0.2 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1");
        rec.at(2.5);
        assertThat(rec.dump(esp))
                .isEqualTo("unknown  50 599 src=10.0.0.1 dst=10.0.0.2 packets=1 bytes=72 [UNREPLIED] "
                        + "src=10.0.0.2 dst=10.0.0.1 packets=0 bytes=0 mark=0 delta-time=0 use=1");

        rec.at(3)
                .forward(Packets.gre("10.0.0.1", "10.0.0.9")
                        .gre(1, 0x880B, 0x1f4)
                        .payload(20)
                        .build());
        assertThat(EventFormat.event(rec.last(), false))
                .isEqualTo(
                        "    [NEW] gre      47 30 src=10.0.0.1 dst=10.0.0.9 srckey=0x0 dstkey=0x1f4 [UNREPLIED] src=10.0.0.9 dst=10.0.0.1 srckey=0x1f4 dstkey=0x0");
        // Without a PPTP helper the reply's key is not mapped, so the enhanced-GRE answer (which
        // carries the client's call id) is a flow of its own (§3.1: source key 0 without a helper).
        rec.at(3.5)
                .forward(Packets.gre("10.0.0.9", "10.0.0.1")
                        .gre(1, 0x880B, 0x2a)
                        .payload(20)
                        .build());
        assertThat(rec.r.ctinfo).isEqualTo(CtInfo.NEW);
        // Plain GRE (version 0): no keys, replies match, ASSURED at once with the stream timeout.
        rec.at(5).forward(Packets.gre("10.0.0.1", "10.0.0.5").payload(20).build());
        rec.at(5.5).forward(Packets.gre("10.0.0.5", "10.0.0.1").payload(20).build());
        assertThat(rec.r.ctinfo).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        rec.at(6).forward(Packets.gre("10.0.0.1", "10.0.0.5").payload(20).build());
        assertThat(EventFormat.event(rec.last(), false))
                .isEqualTo(
                        " [UPDATE] gre      47 180 src=10.0.0.1 dst=10.0.0.5 srckey=0x0 dstkey=0x0 src=10.0.0.5 dst=10.0.0.1 srckey=0x0 dstkey=0x0 [ASSURED]");
    }

    // ------------------------------------------------------------------------------ JSON

    @Test
    void jsonForUdpNewEvent() {
        Tuple o = tuple(17, "10.0.0.1", "10.0.0.2", 1000, 53), r = tuple(17, "10.0.0.2", "10.0.0.1", 53, 1000);
        ConnEvent e = new ConnEvent(EventType.NEW, EventBits.NEW, 5 * S, o, r, CONF, null, 30, null, false, 0, 0, 7, 0);
        assertThat(EventFormat.json(e))
                .isEqualTo("{\"type\":\"NEW\",\"time_ns\":5000000000,\"l3\":\"ipv4\",\"l4\":\"udp\","
                        + "\"protonum\":17,\"timeout\":30,\"orig\":{\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\",\"sport\":1000,\"dport\":53},"
                        + "\"reply\":{\"src\":\"10.0.0.2\",\"dst\":\"10.0.0.1\",\"sport\":53,\"dport\":1000},\"status\":[\"CONFIRMED\"],"
                        + "\"mark\":0,\"id\":7}");
    }

    @Test
    void jsonForTcpDestroyWithCountersTimestampsAndUnsignedId() {
        ConnEvent e = new ConnEvent(
                EventType.DESTROY,
                EventBits.DESTROY,
                9 * S,
                TCP_O,
                TCP_R,
                ASSURED | Status.DYING,
                "CLOSE",
                -1,
                new long[] {3, 132, 1, 52},
                true,
                5 * S,
                8 * S,
                -1,
                0);
        assertThat(EventFormat.json(e))
                .isEqualTo("{\"type\":\"DESTROY\",\"time_ns\":9000000000,\"l3\":\"ipv4\",\"l4\":\"tcp\","
                        + "\"protonum\":6,\"state\":\"CLOSE\",\"orig\":{\"src\":\"10.200.0.1\",\"dst\":\"10.200.0.2\",\"sport\":57370,\"dport\":5001},"
                        + "\"reply\":{\"src\":\"10.200.0.2\",\"dst\":\"10.200.0.1\",\"sport\":5001,\"dport\":57370},"
                        + "\"status\":[\"SEEN_REPLY\",\"ASSURED\",\"CONFIRMED\",\"DYING\"],"
                        + "\"orig_packets\":3,\"orig_bytes\":132,\"reply_packets\":1,\"reply_bytes\":52,"
                        + "\"start_ns\":5000000000,\"stop_ns\":8000000000,\"mark\":0,\"id\":4294967295}");
    }

    @Test
    void jsonForIcmpIcmpv6GreGenericAndSctpTuples() {
        assertThat(EventFormat.json(new ConnEvent(
                        null,
                        0,
                        0,
                        tuple(1, "10.0.0.1", "10.0.0.2", 9, 8 << 8),
                        tuple(1, "10.0.0.2", "10.0.0.1", 9, 0),
                        REPLIED,
                        null,
                        29,
                        null,
                        false,
                        0,
                        0,
                        1,
                        0)))
                .isEqualTo("{\"time_ns\":0,\"l3\":\"ipv4\",\"l4\":\"icmp\",\"protonum\":1,\"timeout\":29,"
                        + "\"orig\":{\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\",\"type\":8,\"code\":0,\"id\":9},"
                        + "\"reply\":{\"src\":\"10.0.0.2\",\"dst\":\"10.0.0.1\",\"type\":0,\"code\":0,\"id\":9},"
                        + "\"status\":[\"SEEN_REPLY\",\"CONFIRMED\"],\"mark\":0,\"id\":1}");
        assertThat(EventFormat.json(new ConnEvent(
                        EventType.UPDATE,
                        EventBits.REPLY,
                        0,
                        tuple(58, "fe80::1:2", "::1", 3, 128 << 8),
                        tuple(58, "::1", "fe80::1:2", 3, 129 << 8),
                        REPLIED,
                        null,
                        30,
                        null,
                        false,
                        0,
                        0,
                        1,
                        0)))
                .contains("\"l3\":\"ipv6\",\"l4\":\"icmpv6\",\"protonum\":58")
                .contains("\"orig\":{\"src\":\"fe80::1:2\",\"dst\":\"::1\",\"type\":128,\"code\":0,\"id\":3}")
                .contains("\"reply\":{\"src\":\"::1\",\"dst\":\"fe80::1:2\",\"type\":129,\"code\":0,\"id\":3}");
        assertThat(EventFormat.json(new ConnEvent(
                        EventType.NEW,
                        EventBits.NEW,
                        0,
                        tuple(47, "10.0.0.1", "10.0.0.2", 0, 500),
                        tuple(47, "10.0.0.2", "10.0.0.1", 500, 0),
                        CONF,
                        null,
                        30,
                        null,
                        false,
                        0,
                        0,
                        1,
                        0)))
                .contains("\"l4\":\"gre\",\"protonum\":47")
                .contains("\"orig\":{\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\",\"srckey\":0,\"dstkey\":500}");
        assertThat(EventFormat.json(new ConnEvent(
                        EventType.NEW,
                        EventBits.NEW,
                        0,
                        tuple(50, "10.0.0.1", "10.0.0.2", 0, 0),
                        tuple(50, "10.0.0.2", "10.0.0.1", 0, 0),
                        CONF,
                        null,
                        600,
                        null,
                        false,
                        0,
                        0,
                        1,
                        0)))
                .contains("\"l4\":\"unknown\",\"protonum\":50")
                .contains(
                        "\"orig\":{\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\"},\"reply\":{\"src\":\"10.0.0.2\",\"dst\":\"10.0.0.1\"}");
        assertThat(EventFormat.json(new ConnEvent(
                        EventType.NEW,
                        EventBits.NEW | EventBits.PROTOINFO,
                        0,
                        tuple(132, "10.0.0.1", "10.0.0.2", 5000, 5001),
                        tuple(132, "10.0.0.2", "10.0.0.1", 5001, 5000),
                        CONF,
                        "COOKIE_WAIT",
                        3,
                        null,
                        false,
                        0,
                        0,
                        1,
                        0)))
                .contains("\"l4\":\"sctp\",\"protonum\":132,\"timeout\":3,\"state\":\"COOKIE_WAIT\"")
                .contains("\"sport\":5000,\"dport\":5001");
    }
}
