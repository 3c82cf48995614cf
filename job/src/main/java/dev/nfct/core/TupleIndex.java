package dev.nfct.core;

import java.util.function.Consumer;

/**
 * An open-addressing hash index of entry tuples (linear probing, at most half full). A lookup costs
 * one probe of the slot array and one read of the stored tuple, whose back-pointer then gives the
 * entry and direction: no per-slot node objects, so fewer cache misses than a chained map on
 * tables of millions of entries.
 */
final class TupleIndex {
    private Tuple[] slots;
    private int mask;
    private int size;

    TupleIndex(int expectedTuples) {
        int cap = Integer.highestOneBit(Math.max(16, expectedTuples * 2 - 1)) << 1;
        slots = new Tuple[cap];
        mask = cap - 1;
    }

    Tuple find(Tuple t) {
        Tuple[] s = slots;
        int m = mask;
        for (int i = t.hashCode() & m; ; i = (i + 1) & m) {
            Tuple x = s[i];
            if (x == null || x.equals(t)) {
                return x;
            }
        }
    }

    /** Adds a tuple that is not in the index yet. */
    void add(Tuple t) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        Tuple[] s = slots;
        int i = t.hashCode() & mask;
        while (s[i] != null) {
            i = (i + 1) & mask;
        }
        s[i] = t;
        size++;
    }

    /** Removes exactly this tuple object (not merely an equal one); false when it is not there. */
    boolean remove(Tuple t) {
        Tuple[] s = slots;
        int m = mask;
        int i = t.hashCode() & m;
        while (s[i] != t) {
            if (s[i] == null) {
                return false;
            }
            i = (i + 1) & m;
        }
        // Backward-shift deletion: move later members of the probe run into the hole so that
        // every remaining tuple stays reachable from its home slot without tombstones.
        int hole = i;
        for (int j = (hole + 1) & m; s[j] != null; j = (j + 1) & m) {
            int home = s[j].hashCode() & m;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                s[hole] = s[j];
                hole = j;
            }
        }
        s[hole] = null;
        size--;
        return true;
    }

    int size() {
        return size;
    }

    void forEach(Consumer<Tuple> visitor) {
        for (Tuple t : slots) {
            if (t != null) {
                visitor.accept(t);
            }
        }
    }

    private void grow() {
        Tuple[] old = slots;
        slots = new Tuple[old.length * 2];
        mask = slots.length - 1;
        size = 0;
        for (Tuple t : old) {
            if (t != null) {
                add(t);
            }
        }
    }
}
