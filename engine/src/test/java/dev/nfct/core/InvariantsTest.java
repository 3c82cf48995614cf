package dev.nfct.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.testing.Packets;
import dev.nfct.testing.Recorder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The invariants of spec §13.1, one test each, exercised through the engine (UDP, ICMP, generic). */
class InvariantsTest {
    private static final long S = 1_000_000_000L;

    private static Packet udpOut() {
        return Packets.udp("10.200.0.1", 40000, "10.200.0.2", 5002).payload(10).build();
    }

    private static Packet udpBack() {
        return Packets.udp("10.200.0.2", 5002, "10.200.0.1", 40000).payload(11).build();
    }

    private static Tuple udpOrigTuple() {
        return Packets.tuple(Packet.IPPROTO_UDP, "10.200.0.1", "10.200.0.2", 40000, 5002);
    }

    @Test
    void inv1_entryIsVisibleOnlyWhenConfirmedNotDyingAndNotExpired() {
        Recorder rec = new Recorder();
        Tuple t = udpOrigTuple();

        // Unconfirmed (entry hook only): exists, but no lookup can see it.
        rec.in(udpOut());
        Conn pending = rec.r.ct;
        assertThat(pending).isNotNull();
        assertThat(pending.confirmed()).isFalse();
        assertThat(rec.ct.lookup(t, rec.now)).isNull();
        assertThat(rec.ct.lookup(pending.reply, rec.now)).isNull();

        // Confirmed, alive, not expired: visible from both tuples.
        rec.ct.confirm(rec.r, rec.now);
        assertThat(rec.ct.lookup(t, rec.now)).isSameAs(pending);
        assertThat(rec.ct.lookup(pending.reply, rec.now)).isSameAs(pending);

        // One nanosecond before the deadline still visible; at the deadline it is expired,
        // invisible, and reaped by the lookup that met it (DESTROY).
        rec.events.clear();
        long deadline = pending.timeout;
        assertThat(rec.ct.lookup(t, deadline - 1)).isSameAs(pending);
        assertThat(rec.events).isEmpty();
        assertThat(rec.ct.lookup(t, deadline)).isNull();
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.DESTROY);
        assertThat(pending.is(Status.DYING)).isTrue();

        // A second confirmed entry killed (DYING) before its deadline is invisible too.
        rec.at(100);
        rec.forward(Packets.icmp("10.200.0.1", "10.200.0.2", 8, 0, 7).build());
        Conn icmp = rec.r.ct;
        Tuple icmpTuple = icmp.orig;
        assertThat(rec.ct.lookup(icmpTuple, rec.now)).isSameAs(icmp);
        assertThat(rec.ct.kill(icmp, rec.now)).isTrue();
        assertThat(icmp.is(Status.DYING)).isTrue();
        assertThat(icmp.timeout).isGreaterThan(rec.now);
        assertThat(rec.ct.lookup(icmpTuple, rec.now)).isNull();
        assertThat(rec.ct.lookup(icmp.reply, rec.now)).isNull();
    }

    @Test
    void inv2_bothTuplesOfAConfirmedEntryAreIndexed() {
        Recorder rec = new Recorder();
        rec.forward(udpOut());
        rec.forward(Packets.icmp("10.200.0.1", "10.200.0.2", 8, 0, 99).build());
        rec.forward(Packets.other(50, "10.200.0.1", "10.200.0.2").payload(30).build());

        List<Conn> all = rec.entries();
        assertThat(all).hasSize(3);
        assertThat(rec.ct.table().size()).isEqualTo(3);
        for (Conn c : all) {
            assertThat(c.confirmed()).isTrue();
            assertThat(rec.ct.table().find(c.orig)).as("ORIGINAL of %s", c).isSameAs(c);
            assertThat(rec.ct.table().find(c.reply)).as("REPLY of %s", c).isSameAs(c);
        }
        // And a packet in the reply direction of each finds the same entry.
        assertThat(rec.forward(udpBack())).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.forward(
                        Packets.icmp("10.200.0.2", "10.200.0.1", 0, 0, 99).build()))
                .isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.forward(Packets.other(50, "10.200.0.2", "10.200.0.1").build()))
                .isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.entries()).hasSize(3);
    }

    @Test
    void inv3_noEventIsEverEmittedForAnEntryThatWasNeverConfirmed() {
        Recorder rec = new Recorder();

        // 1. created at the entry hook, packet dropped before the confirm hook
        rec.in(udpOut());
        assertThat(rec.r.pending()).isTrue();
        rec.ct.dropped(rec.r);

        // 2. created by an ICMP echo reply the tracker refuses (no entry may start with a reply)
        assertThat(rec.forward(Packets.icmp("10.200.0.2", "10.200.0.1", 0, 0, 5).build()))
                .isEqualTo(CtInfo.INVALID);

        // 3. invalid UDP (length field larger than the datagram)
        assertThat(rec.forward(Packets.udp("10.200.0.1", 1, "10.200.0.2", 2)
                        .udpLength(200)
                        .build()))
                .isEqualTo(CtInfo.INVALID);

        // 4. an ICMP clash loser (ICMP may not clash; the loser is dropped)
        PacketCt a = new PacketCt(), b = new PacketCt();
        rec.in(Packets.icmp("10.200.0.1", "10.200.0.2", 8, 0, 1).build(), a);
        rec.in(Packets.icmp("10.200.0.1", "10.200.0.2", 8, 0, 1).build(), b);
        rec.confirm(a);
        Conn winner = a.ct;
        rec.confirm(b);
        assertThat(b.dropped).isTrue();

        // Only the winner ever spoke, and only once.
        assertThat(rec.events).hasSize(1);
        assertThat(rec.events.get(0).type).isEqualTo(EventType.NEW);
        assertThat(rec.events.get(0).id).isEqualTo(winner.id);
        assertThat(rec.ct.count()).isEqualTo(1);

        // Expiring everything later still produces nothing for the losers.
        rec.at(10_000);
        rec.ct.expire(rec.now);
        assertThat(rec.events).extracting(e -> e.id).containsOnly(winner.id);
    }

    @Test
    void inv4_exactlyOneNewAndOneDestroyPerConfirmedEntryAndUpdatesAreCoalescedPerPacket() {
        Settings s = Settings.replayDefaults();
        s.udpTimeout = 3;
        s.udpTimeoutStream = 5;
        Recorder rec = new Recorder(s);

        // Flow A: full UDP life: query, reply, stream packet, more packets, expiry.
        rec.at(0).forward(udpOut());
        rec.at(0.1).forward(udpBack());
        rec.at(0.2).forward(udpOut()); // nothing new happened: no event
        rec.at(2.5).forward(udpOut()); // ASSURED
        rec.at(2.6).forward(udpBack()); // nothing new
        // Flow B: ICMP echo, reply, duplicates.
        Packet req = Packets.icmp("10.200.0.1", "10.200.0.2", 8, 0, 10927).build();
        rec.at(3).forward(req);
        rec.at(3.1)
                .forward(Packets.icmp("10.200.0.2", "10.200.0.1", 0, 0, 10927).build());
        rec.at(3.2)
                .forward(Packets.icmp("10.200.0.2", "10.200.0.1", 0, 0, 10927).build());
        // Flow C: generic, one direction only, reaped by a later packet of the same flow.
        rec.at(4).forward(Packets.other(50, "10.0.0.1", "10.0.0.2").build());

        // Flow D: a reply whose packet dies after the entry hook caches REPLY; the next packet's
        // change (ASSURED) goes out together with it in ONE message.
        Packet dOut =
                Packets.udp("10.200.0.1", 41000, "10.200.0.2", 5002).payload(1).build();
        rec.at(5).forward(dOut);
        rec.at(5.1)
                .in(Packets.udp("10.200.0.2", 5002, "10.200.0.1", 41000)
                        .payload(1)
                        .build());
        rec.ct.dropped(rec.r);
        int before = rec.events.size();
        rec.at(7.5)
                .forward(Packets.udp("10.200.0.1", 41000, "10.200.0.2", 5002)
                        .payload(1)
                        .build());
        assertThat(rec.events).hasSize(before + 1);
        ConnEvent coalesced = rec.last();
        assertThat(coalesced.type).isEqualTo(EventType.UPDATE);
        assertThat(coalesced.bits).isEqualTo(EventBits.REPLY | EventBits.ASSURED);

        rec.at(1000);
        rec.forward(Packets.other(50, "10.0.0.1", "10.0.0.2").build()); // reaps C, creates C'
        rec.at(5000);
        rec.ct.expire(rec.now);
        assertThat(rec.ct.count()).isZero();

        Map<Integer, int[]> perId = new HashMap<>();
        for (ConnEvent e : rec.events) {
            int[] c = perId.computeIfAbsent(e.id, k -> new int[3]);
            c[e.type.ordinal()]++;
        }
        assertThat(perId).hasSize(5); // A, B, C, D, C'
        perId.forEach((id, c) -> {
            assertThat(c[EventType.NEW.ordinal()]).as("NEW for id %s", id).isEqualTo(1);
            assertThat(c[EventType.DESTROY.ordinal()])
                    .as("DESTROY for id %s", id)
                    .isEqualTo(1);
        });
        // Per entry: NEW first, DESTROY last.
        perId.keySet().forEach(id -> {
            List<ConnEvent> mine = rec.events.stream().filter(e -> e.id == id).toList();
            assertThat(mine.get(0).type).isEqualTo(EventType.NEW);
            assertThat(mine.get(mine.size() - 1).type).isEqualTo(EventType.DESTROY);
        });
        // Flow A: exactly NEW, UPDATE (reply), UPDATE (assured), DESTROY.
        int idA = rec.events.get(0).id;
        assertThat(rec.events.stream().filter(e -> e.id == idA).map(e -> e.type).toList())
                .containsExactly(EventType.NEW, EventType.UPDATE, EventType.UPDATE, EventType.DESTROY);
    }

    @Test
    void inv5_statusBitsExpectedSeenReplyAssuredConfirmedDyingAreNeverCleared() {
        int sticky = Status.EXPECTED | Status.SEEN_REPLY | Status.ASSURED | Status.CONFIRMED | Status.DYING;
        Recorder rec = new Recorder();
        int[] seen = new int[1];
        Conn[] c = new Conn[1];
        Runnable check = () -> {
            int now = c[0].status & sticky;
            assertThat(now & seen[0]).as("bits once set stay set").isEqualTo(seen[0]);
            seen[0] = now;
        };
        rec.at(0).forward(udpOut());
        c[0] = rec.r.ct;
        check.run();
        assertThat(c[0].is(Status.CONFIRMED)).isTrue();
        rec.at(0.5).forward(udpBack());
        check.run();
        assertThat(c[0].is(Status.SEEN_REPLY)).isTrue();
        rec.at(3).forward(udpOut());
        check.run();
        assertThat(c[0].is(Status.ASSURED)).isTrue();
        // More traffic in both directions, an invalid packet, an ICMP error: nothing clears them.
        rec.at(4).forward(udpBack());
        check.run();
        rec.at(5)
                .forward(Packets.udp("10.200.0.1", 40000, "10.200.0.2", 5002)
                        .udpLength(300)
                        .build());
        check.run();
        rec.at(6)
                .forward(Packets.icmp("10.200.0.2", "10.200.0.1", 3, 3, 0)
                        .inner(udpOut())
                        .build());
        check.run();
        rec.at(7).forward(udpOut());
        check.run();
        // Kill: DYING joins, the rest stays.
        rec.ct.kill(c[0], rec.now);
        check.run();
        assertThat(c[0].status & sticky)
                .isEqualTo(Status.SEEN_REPLY | Status.ASSURED | Status.CONFIRMED | Status.DYING);
        // Later packets of the flow create a new entry; the dead one keeps its bits.
        rec.at(8).forward(udpOut());
        assertThat(rec.r.ct).isNotSameAs(c[0]);
        check.run();
    }

    @Test
    void inv6_timeoutIsRelativeUntilConfirmationAndThenConfirmationTimePlusLastRelativeValue() {
        Settings s = Settings.replayDefaults();
        s.udpTimeout = 30;
        Recorder rec = new Recorder(s);
        rec.at(0).in(udpOut());
        Conn c = rec.r.ct;
        assertThat(c.timeout).as("relative while unconfirmed").isEqualTo(30 * S);

        // A tracker setting another relative value before confirmation (the last one counts).
        rec.ct.setTimeout(c, 17, rec.now);
        assertThat(c.timeout).isEqualTo(17 * S);

        // Confirmation 4 s after the entry hook: deadline = confirmation time + 17 s.
        rec.at(4);
        long confirmAt = rec.now;
        rec.ct.confirm(rec.r, rec.now);
        assertThat(c.confirmed()).isTrue();
        assertThat(c.timeout).as("absolute after confirmation").isEqualTo(confirmAt + 17 * S);
        assertThat(rec.last().type).isEqualTo(EventType.NEW);
        assertThat(rec.last().timeoutSeconds).isEqualTo(17);

        // Afterwards every refresh is absolute: now + the tracker's value.
        rec.at(10).forward(udpOut());
        assertThat(c.timeout).isEqualTo(rec.now + 30 * S);
    }

    @Test
    void inv7_trackerUpdatesHappenAtTheEntryHookEvenWhenThePacketIsDroppedLater() {
        Recorder rec = new Recorder();
        rec.at(0).forward(udpOut());
        Conn c = rec.r.ct;
        rec.events.clear();
        long deadlineBefore = c.timeout;

        // Reply packet: entry hook runs, then the ruleset drops it.
        rec.at(1).in(udpBack());
        assertThat(rec.r.ct).isSameAs(c);
        rec.ct.dropped(rec.r);

        assertThat(c.is(Status.SEEN_REPLY))
                .as("SEEN_REPLY set at the entry hook")
                .isTrue();
        assertThat(c.acct).containsExactly(1, 38, 1, 39);
        assertThat(c.timeout).isEqualTo(rec.now + 30 * S).isGreaterThan(deadlineBefore);
        assertThat(rec.events)
                .as("no event until a packet passes a confirm hook")
                .isEmpty();
        assertThat(rec.entries()).containsExactly(c);

        // The next packet that passes the confirm hook delivers the cached REPLY.
        rec.at(1.5).forward(udpOut());
        assertThat(rec.drain())
                .containsExactly(" [UPDATE] udp      17 30 src=10.200.0.1 dst=10.200.0.2 sport=40000 dport=5002 "
                        + "src=10.200.0.2 dst=10.200.0.1 sport=5002 dport=40000");
    }

    @Test
    void inv8_extensionsAreDecidedAtCreationAndNeverAddedOrRemovedLater() {
        Settings s = new Settings();
        s.acct = 0;
        s.timestamp = 0;
        s.events = 0;
        Recorder rec = new Recorder(s);
        rec.at(0).forward(udpOut());
        Conn without = rec.r.ct;

        s.acct = 1;
        s.timestamp = 1;
        s.events = 1;
        rec.at(1)
                .forward(Packets.udp("10.200.0.1", 40001, "10.200.0.2", 5002)
                        .payload(1)
                        .build());
        Conn with = rec.r.ct;

        // Flip everything back off: the entry created with extensions keeps them.
        s.acct = 0;
        s.timestamp = 0;
        s.events = 0;
        rec.at(2).forward(udpBack());
        rec.at(2)
                .forward(Packets.udp("10.200.0.2", 5002, "10.200.0.1", 40001)
                        .payload(1)
                        .build());

        assertThat(without.acct).isNull();
        assertThat(without.hasTimestamp).isFalse();
        assertThat(without.hasEcache).isFalse();
        assertThat(with.acct).containsExactly(1, 29, 1, 29);
        assertThat(with.hasTimestamp).isTrue();
        assertThat(with.start).isEqualTo(rec.at(1).now);
        assertThat(with.hasEcache).isTrue();

        // Events: only the entry created with the event extension ever spoke (NEW, UPDATE).
        assertThat(rec.events).extracting(e -> e.id).containsOnly(with.id);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.NEW, EventType.UPDATE);
    }

    @Test
    void inv9_ctinfoNewPersistsForOriginalPacketsUntilTheFirstReplyIsAccepted() {
        Recorder rec = new Recorder();
        assertThat(rec.at(0).forward(udpOut())).isEqualTo(CtInfo.NEW);
        assertThat(rec.at(0.1).forward(udpOut())).isEqualTo(CtInfo.NEW);
        // An invalid reply (bad length) is not accepted: still NEW afterwards.
        assertThat(rec.at(0.2)
                        .forward(Packets.udp("10.200.0.2", 5002, "10.200.0.1", 40000)
                                .udpLength(100)
                                .build()))
                .isEqualTo(CtInfo.INVALID);
        assertThat(rec.at(0.3).forward(udpOut())).isEqualTo(CtInfo.NEW);
        // An ICMP error about the flow is RELATED and does not count as a reply.
        assertThat(rec.at(0.4)
                        .forward(Packets.icmp("10.200.0.2", "10.200.0.1", 3, 3, 0)
                                .inner(udpOut())
                                .build()))
                .isEqualTo(CtInfo.RELATED_REPLY);
        assertThat(rec.at(0.5).forward(udpOut())).isEqualTo(CtInfo.NEW);
        // The first accepted reply: ESTABLISHED_REPLY, then the original side is ESTABLISHED.
        assertThat(rec.at(0.6).forward(udpBack())).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.at(0.7).forward(udpOut())).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(rec.at(0.8).forward(udpBack())).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.entries()).hasSize(1);
    }
}
