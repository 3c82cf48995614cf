package dev.nfct.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.testing.Packets;
import dev.nfct.testing.Recorder;
import org.junit.jupiter.api.Test;

/** nf_conntrack_max and early drop (§4.5). */
class TableLimitTest {

    private static Packet out(int sport) {
        return Packets.udp("10.0.0.1", sport, "10.0.0.2", 53).payload(10).build();
    }

    private static Packet back(int sport) {
        return Packets.udp("10.0.0.2", 53, "10.0.0.1", sport).payload(10).build();
    }

    /** A UDP flow made ASSURED: query, answer, and a packet more than 2 s later. */
    private static Conn assured(Recorder rec, int sport, double t) {
        rec.at(t).forward(out(sport));
        rec.at(t + 0.1).forward(back(sport));
        rec.at(t + 2.5).forward(out(sport));
        Conn c = rec.r.ct;
        assertThat(c.is(Status.ASSURED)).isTrue();
        return c;
    }

    @Test
    void fullTableEarlyDropsANonAssuredEntryWithDestroyAndAdmitsTheNewFlow() {
        Recorder rec = new Recorder();
        rec.settings.max = 3;
        Conn keep = assured(rec, 1000, 0);
        rec.at(10).forward(out(1001));
        Conn victim = rec.r.ct;
        rec.at(11).forward(out(1002));
        Conn second = rec.r.ct;
        assertThat(rec.ct.count()).isEqualTo(3);
        rec.events.clear();

        assertThat(rec.at(12).forward(out(1003))).isEqualTo(CtInfo.NEW);
        Conn admitted = rec.r.ct;
        assertThat(rec.r.dropped).isFalse();
        assertThat(rec.ct.stats().earlyDrop).isEqualTo(1);
        assertThat(rec.ct.stats().drop).isZero();
        assertThat(victim.is(Status.DYING)).isTrue();
        assertThat(keep.is(Status.DYING)).as("ASSURED entries are exempt").isFalse();
        assertThat(rec.entries()).containsExactlyInAnyOrder(keep, second, admitted);
        assertThat(rec.ct.count()).isEqualTo(3);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.DESTROY, EventType.NEW);
        assertThat(rec.events.get(0).id).isEqualTo(victim.id);
        assertThat(rec.events.get(0).timeoutSeconds)
                .as("killed alive: timeout still shown")
                .isEqualTo(28);
        assertThat(rec.events.get(1).id).isEqualTo(admitted.id);
    }

    @Test
    void whenEveryEntryIsAssuredTheNewPacketIsDroppedAndNoEntryIsCreated() {
        Recorder rec = new Recorder();
        rec.settings.max = 2;
        Conn a = assured(rec, 2000, 0);
        Conn b = assured(rec, 2001, 10);
        rec.events.clear();

        assertThat(rec.at(20).forward(out(2002))).isEqualTo(CtInfo.INVALID);
        assertThat(rec.r.dropped).isTrue();
        assertThat(rec.r.ct).isNull();
        assertThat(rec.ct.stats().drop).isEqualTo(1);
        assertThat(rec.ct.stats().earlyDrop).isZero();
        assertThat(rec.ct.count()).isEqualTo(2);
        assertThat(rec.entries()).containsExactlyInAnyOrder(a, b);
        assertThat(rec.events).isEmpty();

        // Packets of existing flows still pass.
        assertThat(rec.at(21).forward(out(2000))).isEqualTo(CtInfo.ESTABLISHED);
        assertThat(rec.r.dropped).isFalse();
    }

    @Test
    void pendingEntriesCountAgainstTheLimitButCannotBeEarlyDropped() {
        Recorder rec = new Recorder();
        rec.settings.max = 1;
        PacketCt first = new PacketCt();
        rec.in(out(3000), first);
        assertThat(rec.ct.count()).isEqualTo(1);

        PacketCt second = new PacketCt();
        assertThat(rec.in(out(3001), second)).isEqualTo(CtInfo.INVALID);
        assertThat(second.dropped).isTrue();
        assertThat(rec.ct.stats().drop).isEqualTo(1);
        assertThat(rec.ct.stats().earlyDrop).isZero();
        assertThat(first.ct.is(Status.DYING)).isFalse();

        // Once the first is confirmed (and not assured) it can be sacrificed.
        rec.confirm(first);
        rec.events.clear();
        assertThat(rec.at(1).in(out(3001), second)).isEqualTo(CtInfo.NEW);
        assertThat(rec.ct.stats().earlyDrop).isEqualTo(1);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.DESTROY);
        rec.confirm(second);
        assertThat(rec.entries()).containsExactly(second.ct);
        assertThat(rec.ct.count()).isEqualTo(1);
    }

    @Test
    void earlyDropSacrificesOnlyOneEntryPerNewFlowAndNeverAnAssuredOne() {
        Recorder rec = new Recorder();
        rec.settings.max = 4;
        Conn a = assured(rec, 4000, 0);
        Conn b = assured(rec, 4001, 5);
        rec.at(10).forward(out(4002));
        Conn c = rec.r.ct;
        rec.at(11).forward(out(4003));
        Conn d = rec.r.ct;
        rec.at(12).forward(out(4004));
        assertThat(rec.ct.stats().earlyDrop).isEqualTo(1);
        assertThat(c.is(Status.DYING)).isTrue();
        rec.at(13).forward(out(4005));
        assertThat(rec.ct.stats().earlyDrop).isEqualTo(2);
        assertThat(d.is(Status.DYING)).isTrue();
        rec.at(14).forward(out(4006));
        assertThat(rec.ct.stats().earlyDrop).isEqualTo(3);
        assertThat(a.is(Status.DYING)).isFalse();
        assertThat(b.is(Status.DYING)).isFalse();
        assertThat(rec.ct.count()).isEqualTo(4);
        assertThat(rec.ct.table().size()).isEqualTo(4);
    }

    @Test
    void maxZeroMeansNoLimit() {
        Recorder rec = new Recorder();
        rec.settings.max = 0;
        for (int i = 0; i < 50; i++) {
            assertThat(rec.forward(out(2000 + i))).isEqualTo(CtInfo.NEW);
        }
        assertThat(rec.ct.count()).isEqualTo(50);
        assertThat(rec.ct.stats().earlyDrop).isZero();
        assertThat(rec.ct.stats().drop).isZero();
    }
}
