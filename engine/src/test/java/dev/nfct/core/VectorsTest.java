package dev.nfct.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.testing.Packets;
import dev.nfct.testing.Recorder;
import org.junit.jupiter.api.Test;

/**
 * The non-TCP test vectors of spec §13.2 (rows 20-30, 32), compared with the captured
 * {@code conntrack} output of §8.5 / §9.1 where the spec has it.
 */
class VectorsTest {
    private static final long S = 1_000_000_000L;

    /** acct and timestamps off, events on, checksums off: the captures' default output. */
    private static Settings plain() {
        Settings s = new Settings();
        s.checksum = 0;
        s.events = 1;
        return s;
    }

    private static Packet udp(String src, int sport, String dst, int dport, int payload) {
        return Packets.udp(src, sport, dst, dport).payload(payload).build();
    }

    // ------------------------------------------------------------------------------ 20 - 22 UDP

    @Test
    void row20_udpQueryAndReplyWithinTwoSecondsGiveNewThenUpdateAndNeverAssured() {
        Recorder rec = new Recorder(plain());
        assertThat(rec.at(0).forward(udp("10.200.0.1", 40000, "10.200.0.2", 53, 30)))
                .isEqualTo(CtInfo.NEW);
        assertThat(rec.at(0.5).forward(udp("10.200.0.2", 53, "10.200.0.1", 40000, 60)))
                .isEqualTo(CtInfo.ESTABLISHED_REPLY);
        // More packets inside the first 2 s (the boundary itself included) assure nothing.
        rec.at(1.9).forward(udp("10.200.0.1", 40000, "10.200.0.2", 53, 30));
        rec.at(2.0).forward(udp("10.200.0.2", 53, "10.200.0.1", 40000, 60));
        Conn c = rec.only();
        assertThat(c.is(Status.ASSURED)).isFalse();
        assertThat(c.timeout).isEqualTo(rec.now + 30 * S);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.NEW, EventType.UPDATE);
        assertThat(rec.events.get(0).timeoutSeconds).isEqualTo(30);
        assertThat(rec.events.get(1).bits).isEqualTo(EventBits.REPLY);
        assertThat(rec.events.get(1).status & Status.ASSURED).isZero();

        // The captured example (udp_timeout=3, stream=5): the first two lines.
        Settings s = plain();
        s.udpTimeout = 3;
        s.udpTimeoutStream = 5;
        Recorder cap = new Recorder(s);
        cap.at(0).forward(udp("10.200.0.1", 40000, "10.200.0.2", 5002, 10));
        cap.at(0.0005).forward(udp("10.200.0.2", 5002, "10.200.0.1", 40000, 10));
        assertThat(cap.drain())
                .containsExactly(
                        "    [NEW] udp      17 3 src=10.200.0.1 dst=10.200.0.2 sport=40000 dport=5002 [UNREPLIED] src=10.200.0.2 dst=10.200.0.1 sport=5002 dport=40000",
                        " [UPDATE] udp      17 3 src=10.200.0.1 dst=10.200.0.2 sport=40000 dport=5002 src=10.200.0.2 dst=10.200.0.1 sport=5002 dport=40000");
    }

    @Test
    void row21_udpPacketMoreThanTwoSecondsAfterStartOnARepliedFlowAssuresWithStreamTimeout() {
        Settings s = plain();
        s.udpTimeout = 3;
        s.udpTimeoutStream = 5;
        Recorder rec = new Recorder(s);
        rec.at(0).forward(udp("10.200.0.1", 40000, "10.200.0.2", 5002, 10));
        rec.at(0.0005).forward(udp("10.200.0.2", 5002, "10.200.0.1", 40000, 10));
        rec.at(2.5).forward(udp("10.200.0.1", 40000, "10.200.0.2", 5002, 10));
        Conn c = rec.only();
        assertThat(c.is(Status.ASSURED)).isTrue();
        assertThat(c.timeout).isEqualTo(rec.now + 5 * S);
        // The GC reaps it well after the expiry (7.5 s): DESTROY without a timeout column.
        rec.at(16.1);
        assertThat(rec.ct.expire(rec.now)).isEqualTo(1);
        assertThat(rec.drain())
                .containsExactly(
                        "    [NEW] udp      17 3 src=10.200.0.1 dst=10.200.0.2 sport=40000 dport=5002 [UNREPLIED] src=10.200.0.2 dst=10.200.0.1 sport=5002 dport=40000",
                        " [UPDATE] udp      17 3 src=10.200.0.1 dst=10.200.0.2 sport=40000 dport=5002 src=10.200.0.2 dst=10.200.0.1 sport=5002 dport=40000",
                        " [UPDATE] udp      17 5 src=10.200.0.1 dst=10.200.0.2 sport=40000 dport=5002 src=10.200.0.2 dst=10.200.0.1 sport=5002 dport=40000 [ASSURED]",
                        "[DESTROY] udp      17 src=10.200.0.1 dst=10.200.0.2 sport=40000 dport=5002 src=10.200.0.2 dst=10.200.0.1 sport=5002 dport=40000 [ASSURED]");

        // The spec's own check: replies at t=0 and t=1, then ASSURED at t=2.5 -- from the reply side too.
        Recorder two = new Recorder(plain());
        two.at(0).forward(udp("10.0.0.1", 1000, "10.0.0.2", 2000, 1));
        two.at(0).forward(udp("10.0.0.2", 2000, "10.0.0.1", 1000, 1));
        two.at(1).forward(udp("10.0.0.2", 2000, "10.0.0.1", 1000, 1));
        assertThat(two.only().is(Status.ASSURED)).isFalse();
        two.at(2.5).forward(udp("10.0.0.2", 2000, "10.0.0.1", 1000, 1));
        assertThat(two.only().is(Status.ASSURED)).isTrue();
        assertThat(two.only().timeout).isEqualTo(two.now + 120 * S);
        assertThat(two.last().bits).isEqualTo(EventBits.ASSURED);
    }

    @Test
    void row22_twoUdpDatagramsWithoutReplyAreBothCtinfoNew() {
        Recorder rec = new Recorder();
        assertThat(rec.at(0).forward(udp("10.200.0.1", 40000, "10.200.0.2", 5002, 10)))
                .isEqualTo(CtInfo.NEW);
        assertThat(rec.at(1).forward(udp("10.200.0.1", 40000, "10.200.0.2", 5002, 10)))
                .isEqualTo(CtInfo.NEW);
        Conn c = rec.only();
        assertThat(c.is(Status.SEEN_REPLY)).isFalse();
        assertThat(c.acct).containsExactly(2, 76, 0, 0);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.NEW);
    }

    // ------------------------------------------------------------------------------ 23 - 27 ICMP

    @Test
    void row23_icmpPortUnreachableForAUdpFlowIsRelatedReplyAndLeavesTheEntryUnreplied() {
        Recorder rec = new Recorder();
        Packet query = udp("10.200.0.1", 40000, "10.200.0.2", 5002, 10);
        rec.at(0).forward(query);
        Conn c = rec.only();
        long deadline = c.timeout;
        rec.events.clear();

        Packet unreach = Packets.icmp("10.200.0.2", "10.200.0.1", 3, 3, 0)
                .inner(udp("10.200.0.1", 40000, "10.200.0.2", 5002, 10))
                .build();
        assertThat(rec.at(1).forward(unreach)).isEqualTo(CtInfo.RELATED_REPLY);
        assertThat(rec.r.ct).isSameAs(c);

        assertThat(c.is(Status.SEEN_REPLY)).isFalse();
        assertThat(c.acct).containsExactly(1, 38, 0, 0);
        assertThat(c.timeout).as("not refreshed").isEqualTo(deadline);
        assertThat(rec.events).isEmpty();
        assertThat(rec.ct.stats().invalid).isZero();
        assertThat(rec.ct.stats().error).isZero();
        assertThat(rec.dump(c))
                .isEqualTo(
                        "udp      17 29 src=10.200.0.1 dst=10.200.0.2 sport=40000 dport=5002 packets=1 bytes=38 [UNREPLIED] "
                                + "src=10.200.0.2 dst=10.200.0.1 sport=5002 dport=40000 packets=0 bytes=0 mark=0 delta-time=1 use=1");
        // An error about the ORIGINAL direction (quoting the server's packet) would be RELATED.
        Packet back = Packets.icmp("10.200.0.1", "10.200.0.2", 3, 1, 0)
                .inner(udp("10.200.0.2", 5002, "10.200.0.1", 40000, 1))
                .build();
        assertThat(rec.forward(back)).isEqualTo(CtInfo.RELATED);
    }

    @Test
    void row23_icmpErrorsQuotingAnEchoRequestOrAnIpv6UdpPacketAreRelatedToThoseEntries() {
        Recorder rec = new Recorder();
        Packet ping =
                Packets.icmp("10.200.0.1", "192.0.2.9", 8, 0, 321).payload(56).build();
        rec.forward(ping);
        Conn echo = rec.r.ct;
        // A router (not the pinged host) reports the echo request as undeliverable.
        Packet unreach = Packets.icmp("10.200.0.254", "10.200.0.1", 3, 1, 0)
                .inner(Packets.icmp("10.200.0.1", "192.0.2.9", 8, 0, 321)
                        .payload(56)
                        .build())
                .build();
        assertThat(rec.forward(unreach)).isEqualTo(CtInfo.RELATED_REPLY);
        assertThat(rec.r.ct).isSameAs(echo);
        assertThat(echo.is(Status.SEEN_REPLY)).isFalse();
        assertThat(echo.acct).containsExactly(1, 84, 0, 0);

        rec.forward(Packets.udp("fd00:200::1", 40000, "fd00:200::2", 5002)
                .payload(10)
                .build());
        Conn v6 = rec.r.ct;
        Packet unreach6 = Packets.icmp("fd00:200::2", "fd00:200::1", 1, 4, 0)
                .inner(Packets.udp("fd00:200::1", 40000, "fd00:200::2", 5002)
                        .payload(10)
                        .build())
                .build();
        assertThat(rec.forward(unreach6)).isEqualTo(CtInfo.RELATED_REPLY);
        assertThat(rec.r.ct).isSameAs(v6);
        assertThat(v6.is(Status.SEEN_REPLY)).isFalse();
        // An IPv4 packet quoted inside an ICMPv6 error is nonsense: error.
        Packet mixed = Packets.icmp("fd00:200::2", "fd00:200::1", 1, 4, 0)
                .inner(Packets.udp("10.200.0.1", 40000, "10.200.0.2", 5002).build())
                .build();
        assertThat(rec.forward(mixed)).isEqualTo(CtInfo.INVALID);
        assertThat(rec.ct.stats().error).isEqualTo(1);
    }

    @Test
    void row24a_icmpErrorWhoseInnerTupleMatchesNothingIsInvalidAndCountedAsError() {
        Recorder rec = new Recorder();
        Packet unreach = Packets.icmp("10.200.0.2", "10.200.0.1", 3, 3, 0)
                .inner(udp("10.200.0.1", 40000, "10.200.0.2", 5002, 10))
                .build();
        assertThat(rec.forward(unreach)).isEqualTo(CtInfo.INVALID);
        assertThat(rec.ct.stats().error).isEqualTo(1);
        assertThat(rec.ct.stats().invalid).isZero();
        assertThat(rec.ct.count()).isZero();
        assertThat(rec.entries()).isEmpty();
        assertThat(rec.events).isEmpty();
    }

    @Test
    void row24b_icmpErrorWhoseOuterDestinationIsNotTheEntrysDestinationIsInvalidAndCountedAsError() {
        Recorder rec = new Recorder();
        rec.forward(udp("10.200.0.1", 40000, "10.200.0.2", 5002, 10));
        rec.events.clear();
        // Quotes the client's packet, but is aimed at 10.200.0.3 instead of the client.
        Packet bogus = Packets.icmp("10.200.0.2", "10.200.0.3", 3, 3, 0)
                .inner(udp("10.200.0.1", 40000, "10.200.0.2", 5002, 10))
                .build();
        assertThat(rec.forward(bogus)).isEqualTo(CtInfo.INVALID);
        assertThat(rec.ct.stats().error).isEqualTo(1);
        assertThat(rec.ct.stats().invalid).isZero();
        // The same error aimed at the client is believed.
        Packet good = Packets.icmp("10.200.0.2", "10.200.0.1", 3, 3, 0)
                .inner(udp("10.200.0.1", 40000, "10.200.0.2", 5002, 10))
                .build();
        assertThat(rec.forward(good)).isEqualTo(CtInfo.RELATED_REPLY);
        assertThat(rec.ct.stats().error).isEqualTo(1);
        assertThat(rec.events).isEmpty();
    }

    @Test
    void row25_icmpEchoReplyType9AndType50WithoutEntryAreInvalid() {
        Recorder rec = new Recorder();
        assertThat(rec.forward(
                        Packets.icmp("10.200.0.2", "10.200.0.1", 0, 0, 77).build()))
                .isEqualTo(CtInfo.INVALID);
        assertThat(rec.forward(Packets.icmp("10.200.0.2", "10.200.0.1", 9, 0, 0).build()))
                .isEqualTo(CtInfo.INVALID);
        assertThat(rec.ct.stats().invalid).isEqualTo(2);
        // Type 50 is above 18: rejected by the error pre-pass (stat error).
        assertThat(rec.forward(
                        Packets.icmp("10.200.0.2", "10.200.0.1", 50, 0, 0).build()))
                .isEqualTo(CtInfo.INVALID);
        assertThat(rec.ct.stats().error).isEqualTo(1);
        // ICMPv6 echo reply without state, too.
        assertThat(rec.forward(
                        Packets.icmp("fd00:200::2", "fd00:200::1", 129, 0, 3).build()))
                .isEqualTo(CtInfo.INVALID);
        assertThat(rec.ct.stats().invalid).isEqualTo(3);
        assertThat(rec.ct.count()).isZero();
        assertThat(rec.entries()).isEmpty();
        assertThat(rec.events).isEmpty();
    }

    @Test
    void row26_icmpTypes13_15_17CreateEntriesWithReplyTypes14_16_18() {
        Recorder rec = new Recorder(); // acct + timestamps on, as in the capture
        int[][] pairs = {{13, 14}, {15, 16}, {17, 18}};
        int id = 8738;
        for (int[] p : pairs) {
            assertThat(rec.at(0)
                            .forward(Packets.icmp("10.200.0.1", "10.200.0.2", p[0], 0, id)
                                    .build()))
                    .isEqualTo(CtInfo.NEW);
            Conn c = rec.r.ct;
            assertThat(c.reply.icmpType()).isEqualTo(p[1]);
            assertThat(c.reply.icmpCode()).isZero();
            assertThat(c.reply.srcU).isEqualTo(id);
            id++;
        }
        // Echo with code 5: the code is kept.
        rec.forward(Packets.icmp("10.200.0.1", "10.200.0.2", 8, 5, 1).build());
        assertThat(rec.r.ct.reply.icmpType()).isZero();
        assertThat(rec.r.ct.reply.icmpCode()).isEqualTo(5);

        // Captured listing: timestamp request answered, information request not.
        Recorder cap = new Recorder();
        cap.at(0)
                .forward(Packets.icmp("10.200.0.1", "10.200.0.2", 13, 0, 8738)
                        .payload(12)
                        .build());
        assertThat(cap.at(0.2)
                        .forward(Packets.icmp("10.200.0.2", "10.200.0.1", 14, 0, 8738)
                                .payload(12)
                                .build()))
                .isEqualTo(CtInfo.ESTABLISHED_REPLY);
        Conn ts = cap.r.ct;
        cap.at(0.5);
        assertThat(cap.dump(ts))
                .isEqualTo(
                        "icmp     1 29 src=10.200.0.1 dst=10.200.0.2 type=13 code=0 id=8738 packets=1 bytes=40 "
                                + "src=10.200.0.2 dst=10.200.0.1 type=14 code=0 id=8738 packets=1 bytes=40 mark=0 delta-time=0 use=1");
        Recorder cap2 = new Recorder();
        cap2.at(0).forward(Packets.icmp("10.200.0.1", "10.200.0.2", 15, 0, 8739).build());
        cap2.at(3.5);
        assertThat(cap2.dump(cap2.only()))
                .isEqualTo(
                        "icmp     1 26 src=10.200.0.1 dst=10.200.0.2 type=15 code=0 id=8739 packets=1 bytes=28 [UNREPLIED] "
                                + "src=10.200.0.2 dst=10.200.0.1 type=16 code=0 id=8739 packets=0 bytes=0 mark=0 delta-time=3 use=1");
    }

    @Test
    void row27_icmpv6NeighbourDiscoveryAndMldAreUntracked() {
        Recorder rec = new Recorder();
        int[] types = {133, 134, 135, 136, 130, 131, 132, 143, 151, 152};
        for (int t : types) {
            assertThat(rec.forward(Packets.icmp("fe80::1", "ff02::1", t, 0, 0)
                            .hopLimit(255)
                            .build()))
                    .as("type %d", t)
                    .isEqualTo(CtInfo.UNTRACKED);
            assertThat(rec.r.ct).isNull();
        }
        assertThat(rec.ct.count()).isZero();
        assertThat(rec.entries()).isEmpty();
        assertThat(rec.events).isEmpty();
        assertThat(rec.ct.stats().invalid).isZero();
        assertThat(rec.ct.stats().error).isZero();
        // An echo request is tracked normally.
        assertThat(rec.forward(Packets.icmp("fd00:200::1", "fd00:200::2", 128, 0, 13107)
                        .build()))
                .isEqualTo(CtInfo.NEW);
    }

    // ------------------------------------------------------------------------------ 28 loopback

    @Test
    void row28_pingSeenOncePerDirectionIsOneEntryWithCounters1And1() {
        Recorder rec = new Recorder();
        rec.at(0)
                .forward(Packets.icmp("127.0.0.1", "127.0.0.1", 8, 0, 4242)
                        .payload(56)
                        .build());
        rec.at(0.0001)
                .forward(Packets.icmp("127.0.0.1", "127.0.0.1", 0, 0, 4242)
                        .payload(56)
                        .build());
        assertThat(rec.r.ctinfo).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        Conn c = rec.only();
        assertThat(c.acct).containsExactly(1, 84, 1, 84);
        assertThat(c.is(Status.SEEN_REPLY)).isTrue();
        assertThat(rec.ct.count()).isEqualTo(1);
    }

    @Test
    void row28_icmpEchoWithAcctOffRendersAsCaptured() {
        Recorder rec = new Recorder(plain());
        rec.at(0)
                .forward(Packets.icmp("10.200.0.1", "10.200.0.2", 8, 0, 10927)
                        .payload(56)
                        .build());
        rec.at(0.0003)
                .forward(Packets.icmp("10.200.0.2", "10.200.0.1", 0, 0, 10927)
                        .payload(56)
                        .build());
        Conn c = rec.only();
        rec.at(1);
        String listed = rec.dump(c);
        rec.at(40);
        rec.ct.expire(rec.now);
        assertThat(rec.drain())
                .containsExactly(
                        "    [NEW] icmp     1 30 src=10.200.0.1 dst=10.200.0.2 type=8 code=0 id=10927 [UNREPLIED] src=10.200.0.2 dst=10.200.0.1 type=0 code=0 id=10927",
                        " [UPDATE] icmp     1 30 src=10.200.0.1 dst=10.200.0.2 type=8 code=0 id=10927 src=10.200.0.2 dst=10.200.0.1 type=0 code=0 id=10927",
                        "[DESTROY] icmp     1 src=10.200.0.1 dst=10.200.0.2 type=8 code=0 id=10927 src=10.200.0.2 dst=10.200.0.1 type=0 code=0 id=10927");
        assertThat(listed)
                .isEqualTo(
                        "icmp     1 29 src=10.200.0.1 dst=10.200.0.2 type=8 code=0 id=10927 src=10.200.0.2 dst=10.200.0.1 type=0 code=0 id=10927 mark=0 use=1");
    }

    // ------------------------------------------------------------------------------ 29 expiry

    private static Settings expirySettings() {
        Settings s = Settings.replayDefaults(); // acct + timestamps + events
        s.udpTimeout = 3;
        return s;
    }

    private static final String DESTROY_29 =
            "[DESTROY] udp      17 src=10.200.0.1 dst=10.200.0.2 sport=47000 dport=7140 packets=1 bytes=38 [UNREPLIED] "
                    + "src=10.200.0.2 dst=10.200.0.1 sport=7140 dport=47000 packets=0 bytes=0 delta-time=3";
    private static final String NEW_29 =
            "    [NEW] udp      17 3 src=10.200.0.1 dst=10.200.0.2 sport=47000 dport=7140 [UNREPLIED] "
                    + "src=10.200.0.2 dst=10.200.0.1 sport=7140 dport=47000";

    @Test
    void row29_expiredEntryMetByANewPacketGivesBackDatedDestroyThenNewInTheSameInstant() {
        Recorder rec = new Recorder(expirySettings());
        rec.at(0).forward(udp("10.200.0.1", 47000, "10.200.0.2", 7140, 10));
        Conn old = rec.only();
        long start = old.start;
        long deadline = old.timeout;
        assertThat(rec.drain()).containsExactly(NEW_29);

        // Expired at t=3, GC not run; the next packet of the flow at t=5.5 reaps and recreates.
        assertThat(rec.at(5.5).forward(udp("10.200.0.1", 47000, "10.200.0.2", 7140, 10)))
                .isEqualTo(CtInfo.NEW);
        Conn fresh = rec.only();
        assertThat(fresh).isNotSameAs(old);
        assertThat(old.stop)
                .as("stop back-dated to the expiry")
                .isEqualTo(deadline)
                .isEqualTo(start + 3 * S);
        assertThat(rec.events).extracting(e -> e.time).containsOnly(rec.now);
        assertThat(rec.drain()).containsExactly(DESTROY_29, NEW_29);
        assertThat(fresh.start).isEqualTo(rec.now);
        assertThat(rec.ct.count()).isEqualTo(1);
    }

    @Test
    void row29_expiredEntryReapedByExpireLateIsBackDatedToItsDeadline() {
        Recorder rec = new Recorder(expirySettings());
        rec.at(0).forward(udp("10.200.0.1", 47000, "10.200.0.2", 7140, 10));
        Conn old = rec.only();
        long deadline = old.timeout;
        rec.events.clear();
        assertThat(rec.ct.expire(rec.at(2.9).now)).isZero();
        assertThat(rec.ct.expire(rec.at(11.6).now)).isEqualTo(1); // 8.6 s late, as in the capture
        assertThat(old.stop).isEqualTo(deadline);
        assertThat(rec.events).hasSize(1);
        assertThat(rec.events.get(0).time).isEqualTo(rec.now);
        assertThat(rec.drain()).containsExactly(DESTROY_29);
        assertThat(rec.ct.count()).isZero();
        assertThat(rec.ct.table().size()).isZero();
        assertThat(rec.ct.expire(rec.now)).isZero();
    }

    // ------------------------------------------------------------------------------ 30, 32

    @Test
    void row30_entryCreatedWithEventsOffNeverEmitsEvenAfterEventsAreTurnedOn() {
        Settings s = Settings.replayDefaults();
        s.events = 0;
        Recorder rec = new Recorder(s);
        rec.at(0).forward(udp("10.200.0.1", 1111, "10.200.0.2", 53, 10));
        Conn silent = rec.r.ct;
        rec.at(0).forward(Packets.icmp("10.200.0.1", "10.200.0.2", 8, 0, 3).build());
        Conn silentIcmp = rec.r.ct;
        assertThat(rec.events).isEmpty();

        s.events = 1; // a listener is running now
        rec.at(1).forward(udp("10.200.0.2", 53, "10.200.0.1", 1111, 10));
        rec.at(3).forward(udp("10.200.0.1", 1111, "10.200.0.2", 53, 10)); // ASSURED
        assertThat(silent.is(Status.ASSURED)).isTrue();
        rec.ct.kill(silent, rec.now); // deleted (conntrack -D)
        rec.at(100).ct.expire(rec.now); // the ICMP one expires
        assertThat(silentIcmp.is(Status.DYING)).isTrue();
        assertThat(rec.events).isEmpty();

        // An entry created now does speak.
        rec.forward(udp("10.200.0.1", 2222, "10.200.0.2", 53, 10));
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.NEW);
    }

    @Test
    void row32_entryCreatedWithAcctAndTimestampOffNeverShowsCountersOrDeltaTime() {
        Settings s = plain();
        s.udpTimeout = 3;
        Recorder rec = new Recorder(s);
        rec.at(0).forward(udp("10.200.0.1", 48000, "10.200.0.2", 7150, 1));
        Conn before = rec.r.ct;
        s.acct = 1;
        s.timestamp = 1;
        rec.at(0.3).forward(udp("10.200.0.1", 48001, "10.200.0.2", 7150, 1));
        Conn after = rec.r.ct;
        rec.at(0.5);
        assertThat(rec.dump(before))
                .isEqualTo("udp      17 2 src=10.200.0.1 dst=10.200.0.2 sport=48000 dport=7150 [UNREPLIED] "
                        + "src=10.200.0.2 dst=10.200.0.1 sport=7150 dport=48000 mark=0 use=1");
        assertThat(rec.dump(after))
                .isEqualTo(
                        "udp      17 2 src=10.200.0.1 dst=10.200.0.2 sport=48001 dport=7150 packets=1 bytes=29 [UNREPLIED] "
                                + "src=10.200.0.2 dst=10.200.0.1 sport=7150 dport=48001 packets=0 bytes=0 mark=0 delta-time=0 use=1");

        // More traffic on the old entry adds nothing; its DESTROY has neither counters nor delta-time.
        rec.at(1).forward(udp("10.200.0.1", 48000, "10.200.0.2", 7150, 1));
        assertThat(before.acct).isNull();
        rec.events.clear();
        rec.at(10).ct.expire(rec.now);
        assertThat(rec.drain())
                .containsExactlyInAnyOrder(
                        "[DESTROY] udp      17 src=10.200.0.1 dst=10.200.0.2 sport=48000 dport=7150 [UNREPLIED] src=10.200.0.2 dst=10.200.0.1 sport=7150 dport=48000",
                        "[DESTROY] udp      17 src=10.200.0.1 dst=10.200.0.2 sport=48001 dport=7150 packets=1 bytes=29 [UNREPLIED] "
                                + "src=10.200.0.2 dst=10.200.0.1 sport=7150 dport=48001 packets=0 bytes=0 delta-time=3");
    }
}
