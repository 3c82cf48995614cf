package dev.nfct.core;

import java.util.function.Consumer;

/**
 * An open-addressing hash index of entries (linear probing, at most half full) in which every
 * entry sits twice: at the home of its ORIGINAL tuple's hash and at the home of its REPLY tuple's.
 * A slot holds the entry itself, and the entry carries its key inline ({@link Conn#dirOf}), so a
 * lookup reads the slot and then only the entry's own cache lines: no tuple objects, no nodes.
 *
 * <p>A parallel array of tags holds, for every slot, the 31 low bits of the hash the slot was
 * filed under and, in the sign bit, which of the entry's tuples that was. A lookup reads the tag
 * beside the slot (the same index in another array, so both misses overlap) and dereferences only
 * entries whose tag matches; deletion and growth find every slot's home from its tag alone.
 */
final class ConnIndex {
    private static final int HASH_BITS = 0x7fffffff;

    private Conn[] slots;
    private int[] tags;
    private int mask;
    private int size;

    /** @param expectedSlots how many filings (two per entry) to make room for before growing */
    ConnIndex(int expectedSlots) {
        int cap = Integer.highestOneBit(Math.max(16, expectedSlots * 2 - 1)) << 1;
        slots = new Conn[cap];
        tags = new int[cap];
        mask = cap - 1;
    }

    /**
     * The entry with a tuple of these fields (L4 words packed {@code srcU << 16 | dstU}, all 16-bit
     * parts already masked), whose hash is {@code hash}; null when there is none.
     */
    Conn find(int hash, int family, int protocol, long srcHi, long srcLo, long dstHi, long dstLo, int l4, int zone) {
        Conn[] s = slots;
        int[] g = tags;
        int m = mask;
        int want = hash & HASH_BITS;
        for (int i = hash & m; ; i = (i + 1) & m) {
            Conn x = s[i];
            if (x == null) {
                return null;
            }
            if ((g[i] & HASH_BITS) == want && x.dirOf(family, protocol, srcHi, srcLo, dstHi, dstLo, l4, zone) >= 0) {
                return x;
            }
        }
    }

    Conn find(Tuple t) {
        return find(
                t.hashCode(), t.family, t.protocol, t.srcHi, t.srcLo, t.dstHi, t.dstLo, t.srcU << 16 | t.dstU, t.zone);
    }

    /** Files the entry under the hash of its tuple of direction {@code dir} (not filed there yet). */
    void add(Conn ct, int dir) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        put(ct, ct.hash(dir) & HASH_BITS | dir << 31);
    }

    private void put(Conn ct, int tag) {
        Conn[] s = slots;
        int m = mask;
        int i = tag & m;
        while (s[i] != null) {
            i = (i + 1) & m;
        }
        s[i] = ct;
        tags[i] = tag;
        size++;
    }

    /** Removes the entry's filing for direction {@code dir}; false when it is not there. */
    boolean remove(Conn ct, int dir) {
        Conn[] s = slots;
        int[] g = tags;
        int m = mask;
        int tag = ct.hash(dir) & HASH_BITS | dir << 31;
        int i = tag & m;
        while (s[i] != ct || g[i] != tag) {
            if (s[i] == null) {
                return false;
            }
            i = (i + 1) & m;
        }
        // Backward-shift deletion: move later members of the probe run into the hole so that
        // every remaining filing stays reachable from its home slot without tombstones.
        int hole = i;
        for (int j = (hole + 1) & m; s[j] != null; j = (j + 1) & m) {
            int home = g[j] & m;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                s[hole] = s[j];
                g[hole] = g[j];
                hole = j;
            }
        }
        s[hole] = null;
        g[hole] = 0;
        size--;
        return true;
    }

    /** Number of filings (twice the number of entries). */
    int size() {
        return size;
    }

    int capacity() {
        return slots.length;
    }

    /** Visits every entry once (at its ORIGINAL filing), in slot order. */
    void forEach(Consumer<Conn> visitor) {
        Conn[] s = slots;
        int[] g = tags;
        for (int i = 0; i < s.length; i++) {
            if (s[i] != null && g[i] >= 0) {
                visitor.accept(s[i]);
            }
        }
    }

    private void grow() {
        Conn[] oldSlots = slots;
        int[] oldTags = tags;
        slots = new Conn[oldSlots.length * 2];
        tags = new int[oldSlots.length * 2];
        mask = slots.length - 1;
        size = 0;
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] != null) {
                put(oldSlots[i], oldTags[i]);
            }
        }
    }
}
