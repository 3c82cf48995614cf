package dev.nfct.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.testing.Packets;
import dev.nfct.testing.Recorder;
import org.junit.jupiter.api.Test;

/** Confirmation (§2.3, §2.4) and clash resolution (§4.4) with UDP and ICMP. */
class ConfirmAndClashTest {

    private static Packet query(int payload) {
        return Packets.udp("10.0.0.1", 5353, "10.0.0.53", 53).payload(payload).build();
    }

    private static Packet answer(int payload) {
        return Packets.udp("10.0.0.53", 53, "10.0.0.1", 5353).payload(payload).build();
    }

    @Test
    void pendingEntryIsNotInTheTableAndEmitsNothingUntilConfirmed() {
        Recorder rec = new Recorder();
        assertThat(rec.in(query(10))).isEqualTo(CtInfo.NEW);
        Conn c = rec.r.ct;
        assertThat(rec.r.pending()).isTrue();
        assertThat(c.confirmed()).isFalse();
        assertThat(rec.ct.count()).as("pending entries are counted").isEqualTo(1);
        assertThat(rec.ct.table().size()).isZero();
        assertThat(rec.ct.table().find(c.orig)).isNull();
        assertThat(rec.events).isEmpty();

        // Another packet of the same flow does not see it: it makes its own pending entry.
        PacketCt other = new PacketCt();
        assertThat(rec.in(query(10), other)).isEqualTo(CtInfo.NEW);
        assertThat(other.ct).isNotSameAs(c);
        assertThat(rec.ct.count()).isEqualTo(2);
        rec.ct.dropped(other);

        rec.ct.confirm(rec.r, rec.now);
        assertThat(c.confirmed()).isTrue();
        assertThat(rec.ct.table().find(c.orig)).isSameAs(c);
        assertThat(rec.ct.table().find(c.reply)).isSameAs(c);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.NEW);
    }

    @Test
    void droppedFreesThePendingEntryWithoutAnyEventAndTheNextPacketStartsAfresh() {
        Recorder rec = new Recorder();
        rec.in(query(10));
        Conn first = rec.r.ct;
        assertThat(rec.ct.count()).isEqualTo(1);
        rec.ct.dropped(rec.r);
        assertThat(rec.r.ct).isNull();
        assertThat(rec.ct.count()).isZero();
        assertThat(rec.ct.table().size()).isZero();
        assertThat(rec.events).isEmpty();
        // Dropping twice does not free twice.
        PacketCt again = new PacketCt();
        again.ct = first;
        rec.ct.dropped(again);
        assertThat(rec.ct.count()).isZero();

        assertThat(rec.forward(query(10))).isEqualTo(CtInfo.NEW);
        assertThat(rec.r.ct).isNotSameAs(first);
        assertThat(rec.ct.count()).isEqualTo(1);
        assertThat(rec.events).hasSize(1);
        assertThat(rec.only().acct).containsExactly(1, 38, 0, 0);
    }

    @Test
    void replyDirectionPacketCannotConfirmAPendingEntry() {
        Recorder rec = new Recorder();
        rec.in(query(10));
        Conn c = rec.r.ct;
        // A locally generated reply (REJECT) attached to the pending entry as RELATED_REPLY.
        PacketCt reject = new PacketCt();
        reject.ct = c;
        reject.ctinfo = CtInfo.RELATED_REPLY;
        rec.ct.confirm(reject, rec.now);
        assertThat(c.confirmed()).isFalse();
        assertThat(rec.ct.table().size()).isZero();
        assertThat(rec.events).isEmpty();
        assertThat(reject.dropped).isFalse();
        // The same with ESTABLISHED_REPLY.
        reject.ctinfo = CtInfo.ESTABLISHED_REPLY;
        rec.ct.confirm(reject, rec.now);
        assertThat(c.confirmed()).isFalse();
        assertThat(rec.events).isEmpty();
        // The original packet still confirms it afterwards.
        rec.ct.confirm(rec.r, rec.now);
        assertThat(c.confirmed()).isTrue();
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.NEW);
    }

    @Test
    void twoPendingUdpEntriesForOneFlowMergeOnTheSecondConfirm() {
        Recorder rec = new Recorder();
        PacketCt a = new PacketCt(), b = new PacketCt();
        assertThat(rec.in(query(10), a)).isEqualTo(CtInfo.NEW); // 38 bytes (A query)
        assertThat(rec.in(query(20), b)).isEqualTo(CtInfo.NEW); // 48 bytes (AAAA query)
        Conn winner = a.ct, loser = b.ct;
        assertThat(rec.ct.count()).isEqualTo(2);

        rec.confirm(a);
        assertThat(rec.events).hasSize(1);
        rec.confirm(b);

        assertThat(b.dropped).isFalse();
        assertThat(b.ct).as("the packet continues on the winner").isSameAs(winner);
        assertThat(b.ctinfo).isEqualTo(CtInfo.NEW);
        assertThat(rec.ct.stats().clashResolve).isEqualTo(1);
        assertThat(rec.ct.stats().insertFailed).isZero();
        assertThat(rec.ct.stats().drop).isZero();
        assertThat(winner.acct).as("loser's bytes added as one packet").containsExactly(2, 86, 0, 0);
        assertThat(loser.confirmed()).isFalse();
        assertThat(rec.ct.count()).isEqualTo(1);
        assertThat(rec.entries()).containsExactly(winner);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.NEW);
        assertThat(rec.events.get(0).id).isEqualTo(winner.id);

        // The flow goes on normally.
        assertThat(rec.forward(answer(50))).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.r.ct).isSameAs(winner);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.NEW, EventType.UPDATE);
    }

    @Test
    void replyPacketThatRacedTheFirstOriginalMergesCrosswise() {
        Recorder rec = new Recorder();
        PacketCt q = new PacketCt(), ans = new PacketCt();
        rec.in(query(10), q);
        // The answer arrives before the query's entry is confirmed: it creates its own entry, in
        // which the server is the ORIGINAL side.
        assertThat(rec.in(answer(30), ans)).isEqualTo(CtInfo.NEW);
        Conn winner = q.ct, loser = ans.ct;
        assertThat(loser.orig).isEqualTo(winner.reply);
        assertThat(loser.reply).isEqualTo(winner.orig);

        rec.confirm(q);
        rec.confirm(ans);
        assertThat(ans.dropped).isFalse();
        assertThat(ans.ct).isSameAs(winner);
        assertThat(ans.ctinfo).as("the packet keeps its ctinfo").isEqualTo(CtInfo.NEW);
        assertThat(rec.ct.stats().clashResolve).isEqualTo(1);
        assertThat(rec.ct.stats().insertFailed).isZero();
        // Merge accounting follows the packet's ctinfo direction (ORIGINAL): 38 + 58 bytes.
        assertThat(winner.acct).containsExactly(2, 96, 0, 0);
        assertThat(rec.ct.count()).isEqualTo(1);
        assertThat(rec.entries()).containsExactly(winner);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.NEW);

        // Later answers match the winner's REPLY tuple.
        assertThat(rec.forward(answer(30))).isEqualTo(CtInfo.ESTABLISHED_REPLY);
        assertThat(rec.r.ct).isSameAs(winner);
    }

    @Test
    void icmpMayNotClashSoTheSecondPendingEchoIsDroppedWithInsertFailed() {
        Recorder rec = new Recorder();
        PacketCt a = new PacketCt(), b = new PacketCt();
        rec.in(Packets.icmp("10.0.0.1", "10.0.0.2", 8, 0, 77).payload(56).build(), a);
        rec.in(Packets.icmp("10.0.0.1", "10.0.0.2", 8, 0, 77).payload(56).build(), b);
        Conn winner = a.ct, loser = b.ct;
        assertThat(rec.ct.count()).isEqualTo(2);

        rec.confirm(a);
        rec.confirm(b);
        assertThat(b.dropped).isTrue();
        assertThat(rec.ct.stats().drop).isEqualTo(1);
        assertThat(rec.ct.stats().insertFailed).isEqualTo(1);
        assertThat(rec.ct.stats().clashResolve).isZero();
        assertThat(loser.confirmed()).isFalse();
        assertThat(rec.ct.count()).isEqualTo(1);
        assertThat(rec.entries()).containsExactly(winner);
        assertThat(winner.acct).containsExactly(1, 84, 0, 0);
        assertThat(rec.events).extracting(e -> e.type).containsExactly(EventType.NEW);
        // dropped() afterwards (the packet is freed) does not free anything twice.
        rec.ct.dropped(b);
        assertThat(rec.ct.count()).isEqualTo(1);

        // The sender's retransmission hits the winner.
        assertThat(rec.forward(Packets.icmp("10.0.0.1", "10.0.0.2", 8, 0, 77)
                        .payload(56)
                        .build()))
                .isEqualTo(CtInfo.NEW);
        assertThat(rec.r.ct).isSameAs(winner);
    }

    @Test
    void icmpPingsInBothDirectionsWithTheSameIdAreTwoFlowsNotAClash() {
        Recorder rec = new Recorder();
        PacketCt a = new PacketCt(), b = new PacketCt();
        rec.in(Packets.icmp("10.0.0.1", "10.0.0.2", 8, 0, 5).build(), a);
        // An echo reply cannot create an entry, so an ICMP "crosswise" race does not exist: the
        // peer pinging back with the same id is a different flow, not a clash.
        rec.in(Packets.icmp("10.0.0.2", "10.0.0.1", 8, 0, 5).build(), b);
        rec.confirm(a);
        rec.confirm(b);
        assertThat(b.dropped).isFalse();
        assertThat(rec.entries()).hasSize(2);
        assertThat(rec.ct.stats().insertFailed).isZero();
    }

    @Test
    void genericProtocolPendingEntriesMergeLikeUdp() {
        Recorder rec = new Recorder();
        PacketCt a = new PacketCt(), b = new PacketCt();
        rec.in(Packets.other(50, "10.0.0.1", "10.0.0.2").payload(100).build(), a);
        rec.in(Packets.other(50, "10.0.0.1", "10.0.0.2").payload(200).build(), b);
        rec.confirm(a);
        rec.confirm(b);
        assertThat(b.dropped).isFalse();
        assertThat(b.ct).isSameAs(a.ct);
        assertThat(rec.ct.stats().clashResolve).isEqualTo(1);
        assertThat(a.ct.acct).containsExactly(2, 340, 0, 0);
        assertThat(rec.ct.count()).isEqualTo(1);
    }
}
