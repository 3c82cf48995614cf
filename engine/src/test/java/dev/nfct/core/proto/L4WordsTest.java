package dev.nfct.core.proto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.core.L4Kind;
import dev.nfct.core.Packet;
import dev.nfct.core.ProtocolTracker;
import dev.nfct.core.Settings;
import dev.nfct.core.Tuple;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The entry hook looks packets up by {@link ProtocolTracker#l4Words} and only builds a tuple for a
 * new entry: for every tracker both must describe the same tuple, and agree on when there is none.
 */
class L4WordsTest {
    private static final int[] PROTOCOLS = {
        Packet.IPPROTO_TCP,
        Packet.IPPROTO_UDP,
        Packet.IPPROTO_UDPLITE,
        Packet.IPPROTO_SCTP,
        Packet.IPPROTO_ICMP,
        Packet.IPPROTO_ICMPV6,
        Packet.IPPROTO_GRE,
        50,
        89,
        33
    };

    private static Packet randomPacket(Random rnd, int protocol) {
        Packet p = new Packet();
        p.family = rnd.nextBoolean() ? Packet.AF_INET : Packet.AF_INET6;
        p.protocol = protocol;
        p.srcHi = p.family == Packet.AF_INET6 ? rnd.nextLong() : 0;
        p.dstHi = p.family == Packet.AF_INET6 ? rnd.nextLong() : 0;
        p.srcLo = rnd.nextLong() & (p.family == Packet.AF_INET6 ? -1L : 0xffffffffL);
        p.dstLo = rnd.nextLong() & (p.family == Packet.AF_INET6 ? -1L : 0xffffffffL);
        p.l4Length = rnd.nextInt(12);
        // Values past 16/8 bits on purpose: both paths must mask them alike.
        p.srcPort = rnd.nextInt(1 << 17);
        p.dstPort = rnd.nextInt(1 << 17);
        p.icmpType = rnd.nextInt(512);
        p.icmpCode = rnd.nextInt(512);
        p.icmpId = rnd.nextInt(1 << 17);
        p.greVersion = rnd.nextInt(3);
        p.greProtocol = rnd.nextBoolean() ? 0x880b : rnd.nextInt(1 << 16);
        p.greCallId = rnd.nextInt(1 << 17);
        return p;
    }

    @Test
    void everyTrackerGivesTheL4WordsOfItsOwnTuple() {
        Trackers trackers = new Trackers(new Settings());
        Random rnd = new Random(3);
        for (int protocol : PROTOCOLS) {
            ProtocolTracker t = trackers.get(protocol);
            int withTuple = 0;
            for (int i = 0; i < 20_000; i++) {
                Packet p = randomPacket(rnd, protocol);
                int zone = rnd.nextInt(1 << 17);
                Tuple tuple = t.tuple(p, zone);
                long words = t.l4Words(p);
                if (tuple == null) {
                    assertThat(words).as("protocol %d, no tuple", protocol).isEqualTo(-1L);
                } else {
                    withTuple++;
                    assertThat(words).as("protocol %d", protocol).isEqualTo((long) tuple.srcU << 16 | tuple.dstU);
                }
            }
            assertThat(withTuple)
                    .as("protocol %d had packets with a tuple", protocol)
                    .isPositive();
        }
    }

    /** What a protocol's tuples hold is its tracker's word, and the table of it follows the trackers. */
    @Test
    void everyProtocolsTupleKindIsItsTrackers() {
        Trackers trackers = new Trackers(new Settings());
        for (int p = 0; p < 256; p++) {
            assertThat(Trackers.l4Kind(p))
                    .as("protocol %d", p)
                    .isEqualTo(trackers.get(p).l4Kind());
        }
        for (int p : new int[] {
            Packet.IPPROTO_TCP, Packet.IPPROTO_UDP, Packet.IPPROTO_UDPLITE, Packet.IPPROTO_SCTP, Packet.IPPROTO_DCCP
        }) {
            assertThat(Trackers.l4Kind(p)).as("protocol %d", p).isEqualTo(L4Kind.PORTS);
        }
        assertThat(Trackers.l4Kind(Packet.IPPROTO_ICMP)).isEqualTo(L4Kind.ICMP);
        assertThat(Trackers.l4Kind(Packet.IPPROTO_ICMPV6)).isEqualTo(L4Kind.ICMP);
        assertThat(Trackers.l4Kind(Packet.IPPROTO_GRE)).isEqualTo(L4Kind.GRE);
        assertThat(Trackers.l4Kind(50)).as("ESP: generic").isEqualTo(L4Kind.NONE);
    }
}
