package dev.nfct.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The open-addressing tuple index against a plain set, through growth and many deletions. */
class TupleIndexTest {
    private static Tuple tuple(int i) {
        // Few distinct hash homes on purpose: small port space on one address pair makes long runs.
        return new Tuple(Packet.AF_INET, Packet.IPPROTO_UDP, 0, 0x0A000001L, 0, 0x0A000002L, i, 53, 0);
    }

    @Test
    void behavesLikeASetUnderRandomInsertsAndRemovals() {
        TupleIndex index = new TupleIndex(4);
        Set<Tuple> reference = new HashSet<>();
        List<Tuple> live = new ArrayList<>();
        Random rnd = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            if (live.isEmpty() || rnd.nextInt(100) < 55) {
                Tuple t = tuple(rnd.nextInt(5000));
                if (reference.add(t)) {
                    index.add(t);
                    live.add(t);
                }
            } else {
                Tuple t = live.remove(rnd.nextInt(live.size()));
                reference.remove(t);
                assertThat(index.remove(t)).isTrue();
            }
            if (step % 997 == 0) {
                for (Tuple t : live) {
                    assertThat(index.find(tuple(t.srcU))).isSameAs(t);
                }
            }
        }
        assertThat(index.size()).isEqualTo(reference.size());
        for (int i = 0; i < 5000; i++) {
            Tuple probe = tuple(i);
            assertThat(index.find(probe) != null).isEqualTo(reference.contains(probe));
        }
    }

    @Test
    void removeOfAnEqualButDifferentObjectFindsNothing() {
        TupleIndex index = new TupleIndex(4);
        Tuple stored = tuple(1);
        index.add(stored);
        assertThat(index.remove(tuple(1))).isFalse();
        assertThat(index.find(tuple(1))).isSameAs(stored);
    }
}
