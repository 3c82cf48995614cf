package dev.nfct.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.core.format.EventFormat;
import dev.nfct.testing.Packets;
import dev.nfct.testing.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expiry (§4.6): the {@link HashConnTable} deadline queue and {@link Conntrack#expire}. */
class ExpiryTest {
    private static final long S = 1_000_000_000L;

    private static Packet out(int sport) {
        return Packets.udp("10.0.0.1", sport, "10.0.0.2", 53).payload(10).build();
    }

    private static Packet back(int sport) {
        return Packets.udp("10.0.0.2", 53, "10.0.0.1", sport).payload(10).build();
    }

    private static long t(double seconds) {
        return 1_000_000_000_000L + (long) (seconds * 1e9);
    }

    @Test
    void refreshPushesTheDeadlineLaterWithoutLosingTheEntry() {
        Recorder rec = new Recorder();
        rec.at(0).forward(out(1));
        Conn c = rec.r.ct;
        for (int i = 1; i <= 5; i++) {
            rec.at(20 * i).forward(out(1)); // each refresh: deadline = now + 30
        }
        long deadline = t(100) + 30 * S;
        assertThat(c.timeout).isEqualTo(deadline);
        // The first deadlines (30, 50, ...) pass: nothing expires, the entry stays findable.
        for (double at : new double[] {30, 50, 70, 90, 110, 129.999}) {
            assertThat(rec.ct.expire(t(at))).as("expire at %s", at).isZero();
            assertThat(rec.ct.lookup(c.orig, t(at))).isSameAs(c);
        }
        assertThat(rec.ct.table().size()).isEqualTo(1);
        rec.events.clear();
        assertThat(rec.ct.expire(t(130))).isEqualTo(1);
        assertThat(c.stop).isEqualTo(deadline);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.DESTROY);
        assertThat(rec.ct.count()).isZero();
    }

    @Test
    void anEarlierDeadlineFromAShorterTimeoutFiresAtTheEarlierTime() {
        Recorder rec = new Recorder();
        rec.at(0).forward(out(2));
        rec.at(0.1).forward(back(2));
        rec.at(3).forward(out(2)); // ASSURED: stream timeout 120 -> deadline 123
        Conn c = rec.r.ct;
        assertThat(c.timeout).isEqualTo(t(123));

        rec.settings.udpTimeoutStream = 5; // sysctl lowered; the next packet uses it
        rec.at(4).forward(back(2));
        assertThat(c.timeout).isEqualTo(t(9));
        rec.events.clear();
        assertThat(rec.ct.expire(t(8.999))).isZero();
        assertThat(rec.ct.expire(t(9))).isEqualTo(1);
        assertThat(c.stop).isEqualTo(t(9));
        assertThat(rec.events).hasSize(1);
        // The stale queue node for 123 does nothing later.
        assertThat(rec.ct.expire(t(200))).isZero();
        assertThat(rec.events).hasSize(1);
    }

    @Test
    void deadlineMovedEarlierThenLaterAgainExpiresOnlyAtTheLatestDeadline() {
        Recorder rec = new Recorder();
        rec.at(0).forward(out(3));
        Conn c = rec.r.ct; // deadline 30
        rec.ct.setTimeout(c, 5, t(1)); // earlier: 6
        rec.ct.setTimeout(c, 60, t(2)); // later again: 62
        assertThat(rec.ct.expire(t(6))).isZero();
        assertThat(rec.ct.expire(t(30))).isZero();
        assertThat(rec.ct.lookup(c.orig, t(61))).isSameAs(c);
        assertThat(rec.ct.expire(t(62))).isEqualTo(1);
        assertThat(c.stop).isEqualTo(t(62));
    }

    @Test
    void expiredEntriesAreInvisibleToLookupAndReapedWithABackDatedDestroy() {
        Recorder rec = new Recorder();
        rec.at(0).forward(out(4));
        Conn c = rec.r.ct;
        rec.events.clear();
        long deadline = c.timeout;

        // Still in the table (no GC yet), but expired: invisible. The lookup reaps it.
        assertThat(rec.ct.table().size()).isEqualTo(1);
        assertThat(rec.ct.lookup(c.reply, deadline + 45 * S)).isNull();
        assertThat(rec.events).hasSize(1);
        ConnEvent d = rec.events.get(0);
        assertThat(d.type).isEqualTo(EventType.DESTROY);
        assertThat(d.time).isEqualTo(deadline + 45 * S);
        assertThat(d.stop).isEqualTo(deadline);
        assertThat(d.timeoutSeconds).isEqualTo(-1);
        assertThat(EventFormat.event(d, false))
                .isEqualTo(
                        "[DESTROY] udp      17 src=10.0.0.1 dst=10.0.0.2 sport=4 dport=53 packets=1 bytes=38 [UNREPLIED] "
                                + "src=10.0.0.2 dst=10.0.0.1 sport=53 dport=4 packets=0 bytes=0 delta-time=30");
        assertThat(rec.ct.table().size()).isZero();
        assertThat(rec.ct.count()).isZero();
        // The queue does not bring it back.
        assertThat(rec.ct.expire(deadline + 100 * S)).isZero();
        assertThat(rec.events).hasSize(1);
    }

    @Test
    void anIcmpErrorQuotingAnExpiredFlowIsAnErrorAndReapsIt() {
        Recorder rec = new Recorder();
        rec.at(0).forward(out(5));
        rec.events.clear();
        rec.at(31)
                .forward(Packets.icmp("10.0.0.2", "10.0.0.1", 3, 3, 0)
                        .inner(out(5))
                        .build());
        assertThat(rec.r.ct).isNull();
        assertThat(rec.ct.stats().error).isEqualTo(1);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.DESTROY);
        assertThat(rec.ct.count()).isZero();
    }

    @Test
    void expireReturnsHowManyEntriesItReapedInDeadlineOrder() {
        Recorder rec = new Recorder();
        rec.at(0).forward(out(10)); // udp 30
        rec.at(1).forward(Packets.icmp("10.0.0.1", "10.0.0.2", 8, 0, 1).build()); // icmp 30 -> 31
        rec.at(2).forward(Packets.other(50, "10.0.0.1", "10.0.0.2").build()); // generic 600 -> 602
        rec.at(3).forward(out(11)); // udp -> 33
        rec.events.clear();
        assertThat(rec.ct.expire(t(29))).isZero();
        assertThat(rec.ct.expire(t(31))).isEqualTo(2);
        assertThat(rec.ct.expire(t(31))).isZero();
        assertThat(rec.ct.expire(t(1000))).isEqualTo(2);
        assertThat(rec.events).extracting(e -> e.stop).containsExactly(t(30), t(31), t(33), t(602));
        assertThat(rec.events).extracting(e -> e.time).containsExactly(t(31), t(31), t(1000), t(1000));
    }

    @Test
    void stateDrainsToZeroAfterAllFlowsEnd() {
        Recorder rec = new Recorder();
        rec.settings.max = 50;
        List<Conn> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            double at = i * 0.5;
            rec.at(at).forward(out(100 + i));
            all.add(rec.r.ct);
            if (i % 2 == 0) {
                rec.at(at + 0.1).forward(back(100 + i));
            }
            if (i % 4 == 0) {
                rec.at(at + 2.5).forward(out(100 + i)); // ASSURED, 120 s
            }
            if (i % 5 == 0) {
                rec.in(out(5000 + i)); // pending, then dropped
                rec.ct.dropped(rec.r);
            }
            if (i % 7 == 0) {
                rec.at(at + 0.2)
                        .forward(Packets.icmp("10.0.0.1", "10.0.0.3", 8, 0, i).build());
                all.add(rec.r.ct);
            }
        }
        // Some go early: deleted by hand, and one reaped by a lookup.
        rec.ct.kill(all.get(3), t(25));
        rec.ct.lookup(all.get(5).orig, t(200));
        assertThat(rec.ct.count()).isEqualTo(rec.ct.table().size());
        int reaped = rec.ct.expire(t(10_000));
        assertThat(reaped).isEqualTo(all.size() - 2);
        assertThat(rec.ct.count()).isZero();
        assertThat(rec.ct.table().size()).isZero();
        assertThat(rec.entries()).isEmpty();
        assertThat(rec.ct.table().pollExpired(Long.MAX_VALUE)).isNull();
        assertThat(rec.ct.expire(Long.MAX_VALUE)).isZero();
        long destroys =
                rec.events.stream().filter(e -> e.type == EventType.DESTROY).count();
        long news = rec.events.stream().filter(e -> e.type == EventType.NEW).count();
        assertThat(destroys).isEqualTo(all.size()).isEqualTo(news);
        for (Conn c : all) {
            assertThat(c.is(Status.DYING)).isTrue();
        }
        // And the table is usable again.
        rec.at(20_000).forward(out(1));
        assertThat(rec.ct.count()).isEqualTo(1);
    }

    @Test
    void greEntryKeepsTheTimeoutsStoredAtItsFirstPacket() {
        // §7.5: the entry stores its own unreplied/stream timeouts on the first packet; later
        // sysctl changes only affect entries created afterwards.
        Recorder rec = new Recorder();
        rec.at(0).forward(Packets.gre("10.0.0.1", "10.0.0.5").payload(20).build());
        Conn old = rec.r.ct;
        assertThat(old.timeout).isEqualTo(t(30));
        rec.settings.greTimeout = 5;
        rec.settings.greTimeoutStream = 10;
        rec.at(1).forward(Packets.gre("10.0.0.1", "10.0.0.5").payload(20).build());
        assertThat(old.timeout).isEqualTo(t(31));
        rec.at(2).forward(Packets.gre("10.0.0.5", "10.0.0.1").payload(20).build());
        assertThat(old.timeout).isEqualTo(t(32));
        rec.at(3).forward(Packets.gre("10.0.0.1", "10.0.0.5").payload(20).build());
        assertThat(old.is(Status.ASSURED)).isTrue();
        assertThat(old.timeout).isEqualTo(t(183));
        assertThat(rec.last().timeoutSeconds).isEqualTo(180);

        rec.at(4).forward(Packets.gre("10.0.0.1", "10.0.0.6").payload(20).build());
        Conn fresh = rec.r.ct;
        assertThat(fresh.timeout).isEqualTo(t(9));
        rec.at(5).forward(Packets.gre("10.0.0.6", "10.0.0.1").payload(20).build());
        rec.at(6).forward(Packets.gre("10.0.0.1", "10.0.0.6").payload(20).build());
        assertThat(fresh.timeout).isEqualTo(t(16));
        // No state column for GRE anywhere.
        rec.at(7);
        assertThat(rec.dump(old))
                .isEqualTo(
                        "gre      47 176 src=10.0.0.1 dst=10.0.0.5 srckey=0x0 dstkey=0x0 packets=3 bytes=132 "
                                + "src=10.0.0.5 dst=10.0.0.1 srckey=0x0 dstkey=0x0 packets=1 bytes=44 [ASSURED] mark=0 delta-time=7 use=1");
        assertThat(rec.last().stateName).isNull();
    }

    // ------------------------------------------------------------------------------ the queue itself

    private static Conn conn(int sport, long deadline) {
        Tuple o = Packets.tuple(Packet.IPPROTO_UDP, "10.9.0.1", "10.9.0.2", sport, 9);
        Conn c = new Conn(o, o.swapped(), sport, false, false, false);
        c.status = Status.CONFIRMED;
        c.timeout = deadline;
        return c;
    }

    @Test
    void hashConnTableQueueYieldsDueEntriesOnceInDeadlineOrderAndSkipsRemovedOnes() {
        HashConnTable table = new HashConnTable(4);
        Conn a = conn(1, 300), b = conn(2, 100), c = conn(3, 200), gone = conn(4, 50);
        for (Conn x : new Conn[] {a, b, c, gone}) {
            table.insert(x);
        }
        assertThat(table.size()).isEqualTo(4);
        gone.status |= Status.DYING;
        table.remove(gone);
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.find(gone.orig)).isNull();

        assertThat(table.pollExpired(99)).isNull();
        // b is refreshed to 250 before its node comes due: requeued, not returned.
        b.timeout = 250;
        table.deadlineChanged(b);
        assertThat(table.pollExpired(100)).isNull();
        // c moved earlier to 150.
        c.timeout = 150;
        table.deadlineChanged(c);
        assertThat(table.pollExpired(149)).isNull();
        assertThat(table.pollExpired(1000)).isSameAs(c);
        assertThat(table.pollExpired(1000)).isSameAs(b);
        assertThat(table.pollExpired(1000)).isSameAs(a);
        assertThat(table.pollExpired(1000)).isNull();
        // Yielded entries are not removed by the queue itself: the engine kills them.
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.find(a.reply)).isSameAs(a);
    }
}
