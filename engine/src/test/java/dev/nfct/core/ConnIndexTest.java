package dev.nfct.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The entry index (every entry filed under both tuples' hashes) against a plain map, through
 * growth, deletions whose probe runs wrap around the end of the slot array, and entries whose two
 * tuples share a home slot or are even equal.
 */
class ConnIndexTest {
    private int nextId;

    private static Tuple udp(long src, long dst, int sport, int dport) {
        return new Tuple(Packet.AF_INET, Packet.IPPROTO_UDP, 0, src, 0, dst, sport, dport, 0);
    }

    private Conn conn(Tuple orig) {
        return new Conn(orig, orig.swapped(), ++nextId, false, false, false);
    }

    /** The index must give exactly the reference's entry for every tuple, and visit each entry once. */
    private static void assertAgrees(ConnIndex index, Map<Tuple, Conn> byTuple, Set<Conn> live, List<Tuple> probes) {
        for (Tuple t : probes) {
            Conn want = byTuple.get(t);
            assertThat(index.find(t)).as("find %s", t).isSameAs(want);
            if (want != null) {
                assertThat(want.tuple(want.directionOf(t))).isEqualTo(t);
            }
        }
        assertThat(index.size()).isEqualTo(2 * live.size());
        Map<Conn, Integer> visits = new IdentityHashMap<>();
        index.forEach(c -> visits.merge(c, 1, Integer::sum));
        assertThat(visits.keySet()).containsExactlyInAnyOrderElementsOf(live);
        assertThat(visits.values()).allMatch(n -> n == 1);
    }

    private static void file(ConnIndex index, Conn c) {
        index.add(c, 0);
        index.add(c, 1);
    }

    private static void unfile(ConnIndex index, Conn c) {
        assertThat(index.remove(c, 0)).isTrue();
        assertThat(index.remove(c, 1)).isTrue();
    }

    private static void track(Map<Tuple, Conn> byTuple, Conn c, boolean add) {
        for (Tuple t : new Tuple[] {c.orig, c.reply}) {
            if (add) {
                byTuple.putIfAbsent(t, c);
            } else {
                byTuple.remove(t, c);
            }
        }
    }

    /** Files a new entry for a copy of {@code orig} and records it in the reference. */
    private void insert(ConnIndex index, Map<Tuple, Conn> byTuple, Set<Conn> live, List<Conn> order, Tuple orig) {
        Conn c = conn(orig);
        file(index, c);
        track(byTuple, c, true);
        live.add(c);
        order.add(c);
    }

    /** Unfiles {@code c} and drops it from the reference (the caller takes it off its order list). */
    private static void delete(ConnIndex index, Map<Tuple, Conn> byTuple, Set<Conn> live, Conn c) {
        unfile(index, c);
        track(byTuple, c, false);
        live.remove(c);
    }

    @Test
    void behavesLikeAMapUnderRandomInsertsAndRemovalsWithGrowth() {
        ConnIndex index = new ConnIndex(4);
        Map<Tuple, Conn> byTuple = new HashMap<>();
        Set<Conn> live = new HashSet<>();
        List<Conn> order = new ArrayList<>();
        List<Tuple> probes = new ArrayList<>();
        // Few address pairs and ports: many shared homes and long probe runs.
        for (int port = 0; port < 300; port++) {
            for (int pair = 0; pair < 3; pair++) {
                Tuple t = udp(0x0A000001L + pair, 0x0A000002L, port, 53);
                probes.add(t);
                probes.add(t.swapped());
            }
        }
        Random rnd = new Random(7);
        int startCapacity = index.capacity();
        for (int step = 0; step < 60_000; step++) {
            if (order.isEmpty() || rnd.nextInt(100) < 55) {
                Tuple orig = probes.get(rnd.nextInt(probes.size()));
                if (byTuple.containsKey(orig) || byTuple.containsKey(orig.swapped())) {
                    continue; // the engine never indexes a tuple twice
                }
                insert(index, byTuple, live, order, orig);
            } else {
                delete(index, byTuple, live, order.remove(rnd.nextInt(order.size())));
            }
            if (step % 499 == 0) {
                assertAgrees(index, byTuple, live, probes);
            }
        }
        assertAgrees(index, byTuple, live, probes);
        assertThat(index.capacity()).as("grew").isGreaterThan(startCapacity);
        assertThat(index.size()).isLessThanOrEqualTo(index.capacity() / 2);
        for (Conn c : new ArrayList<>(order)) {
            delete(index, byTuple, live, c);
        }
        assertAgrees(index, byTuple, live, probes);
        assertThat(index.size()).isZero();
    }

    /** Tuples whose hash lands in {@code homes} of an index of {@code capacity} slots. */
    private static List<Tuple> tuplesWithHomes(int capacity, Set<Integer> homes, int wanted) {
        List<Tuple> out = new ArrayList<>();
        for (int port = 1; out.size() < wanted; port++) {
            Tuple t = udp(0x0A000001L, 0x0A000002L, port, 53);
            Tuple r = t.swapped();
            if (homes.contains(t.hashCode() & (capacity - 1)) && homes.contains(r.hashCode() & (capacity - 1))) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void deletionKeepsRunsThatWrapAroundTheEndReachable() {
        ConnIndex index = new ConnIndex(8);
        int cap = index.capacity();
        // Homes in the last three and the first two slots: runs start near the end and wrap.
        Set<Integer> homes = Set.of(cap - 3, cap - 2, cap - 1, 0, 1);
        List<Tuple> origs = tuplesWithHomes(cap, homes, 40);
        List<Tuple> probes = new ArrayList<>();
        for (Tuple t : origs) {
            probes.add(t);
            probes.add(t.swapped());
        }
        Random rnd = new Random(11);
        Map<Tuple, Conn> byTuple = new HashMap<>();
        Set<Conn> live = new HashSet<>();
        List<Conn> order = new ArrayList<>();
        int maxEntries = cap / 4; // two filings each: stays at most half full, so no growth
        boolean wrapped = false;
        for (int step = 0; step < 20_000; step++) {
            if (order.isEmpty() || (order.size() < maxEntries && rnd.nextBoolean())) {
                Tuple o = origs.get(rnd.nextInt(origs.size()));
                if (byTuple.containsKey(o)) {
                    continue;
                }
                insert(index, byTuple, live, order, o);
            } else {
                delete(index, byTuple, live, order.remove(rnd.nextInt(order.size())));
            }
            // Four filings with homes in the last three slots cannot all fit before the end.
            int atTheEnd = 0;
            for (Conn c : order) {
                for (int d = 0; d < 2; d++) {
                    atTheEnd += (c.hash(d) & (cap - 1)) >= cap - 3 ? 1 : 0;
                }
            }
            wrapped |= atTheEnd >= 4;
            assertAgrees(index, byTuple, live, probes);
        }
        assertThat(index.capacity()).as("never grew").isEqualTo(cap);
        assertThat(wrapped)
                .as("runs longer than the tail of the array happened")
                .isTrue();
    }

    @Test
    void entriesWhoseTuplesShareAHomeOrAreEqual() {
        ConnIndex index = new ConnIndex(8);
        int cap = index.capacity();
        // A flow from a host to itself on one port: ORIGINAL and REPLY are the same tuple.
        Tuple self = udp(0x7F000001L, 0x7F000001L, 5000, 5000);
        Conn selfConn = conn(self);
        assertThat(selfConn.reply).isEqualTo(selfConn.orig);
        // A flow whose two different tuples have the same home.
        Tuple sameHome = null;
        for (int port = 1; sameHome == null; port++) {
            Tuple t = udp(0x0A000001L, 0x0A000002L, port, 53);
            if (((t.hashCode() ^ t.swapped().hashCode()) & (cap - 1)) == 0 && !t.equals(t.swapped())) {
                sameHome = t;
            }
        }
        Conn shared = conn(sameHome);
        Conn other = conn(udp(0x0A000009L, 0x0A000002L, 1, 53));
        file(index, selfConn);
        file(index, shared);
        file(index, other);
        Map<Tuple, Conn> byTuple = new HashMap<>();
        for (Conn c : List.of(selfConn, shared, other)) {
            track(byTuple, c, true);
        }
        List<Tuple> probes = List.of(self, sameHome, sameHome.swapped(), other.orig, other.reply);
        assertAgrees(index, byTuple, Set.of(selfConn, shared, other), probes);
        assertThat(selfConn.directionOf(self))
                .as("REPLY wins when both tuples are equal (the kernel's lookup meets the reply tuple first)")
                .isEqualTo(1);
        assertThat(shared.directionOf(sameHome)).isZero();
        assertThat(shared.directionOf(sameHome.swapped())).isEqualTo(1);

        unfile(index, shared);
        track(byTuple, shared, false);
        assertAgrees(index, byTuple, Set.of(selfConn, other), probes);
        unfile(index, selfConn);
        track(byTuple, selfConn, false);
        assertAgrees(index, byTuple, Set.of(other), probes);
        assertThat(index.remove(selfConn, 0)).as("already gone").isFalse();
    }

    @Test
    void removeFindsOnlyTheSameEntryObject() {
        ConnIndex index = new ConnIndex(4);
        Tuple t = udp(1, 2, 3, 4);
        Conn stored = conn(t);
        Conn twin = conn(udp(1, 2, 3, 4));
        file(index, stored);
        assertThat(index.remove(twin, 0)).isFalse();
        assertThat(index.find(udp(1, 2, 3, 4))).isSameAs(stored);
        assertThat(index.find(udp(2, 1, 4, 3))).isSameAs(stored);
    }

    @Test
    void entriesWhoseReplyIsNotTheMirrorOfTheOriginal() {
        // Not what trackers make, but the public constructor allows it: the reply is then
        // compared through its tuple object.
        ConnIndex index = new ConnIndex(4);
        Tuple orig = udp(1, 2, 3, 4);
        Tuple reply = udp(7, 8, 9, 10);
        Conn c = new Conn(orig, reply, 1, false, false, false);
        file(index, c);
        assertThat(index.find(udp(7, 8, 9, 10))).isSameAs(c);
        assertThat(c.directionOf(udp(7, 8, 9, 10))).isEqualTo(1);
        assertThat(index.find(udp(2, 1, 4, 3))).isNull();
        assertThat(c.directionOf(udp(2, 1, 4, 3))).isEqualTo(-1);
    }
}
