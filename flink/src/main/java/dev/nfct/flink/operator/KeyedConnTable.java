package dev.nfct.flink.operator;

import dev.nfct.core.Conn;
import dev.nfct.core.ConnTable;
import dev.nfct.core.Conntrack;
import dev.nfct.core.Status;
import dev.nfct.core.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;

/**
 * The engine's connection table over Flink keyed state: the entries of the current key, in a
 * {@code MapState} keyed by ORIGINAL tuple (so flows whose key hashes collide stay apart).
 *
 * <p>A reply-direction tuple is found by looking up its inversion, which is the ORIGINAL tuple of
 * the entry it belongs to. Entries read during one element are cached by identity, so the engine
 * always works on one object per entry even on a backend that deserialises on every read, and
 * {@link #writeBack()} stores the changed ones at the end of the element.
 *
 * <p>Each entry's deadline when it was read is kept beside it, so that {@link #writeBack()} can
 * tell the operator about deadlines that moved earlier (or are new) only: a key stays armed at or
 * before every deadline it holds, and the usual refresh, which moves a deadline later, then needs
 * no look at the key's arming at all (it is re-armed lazily, when the earlier arming comes due).
 */
final class KeyedConnTable implements ConnTable {
    private final MapState<Tuple, Conn> entries;
    private Conntrack engine;
    /** Entries read or inserted while processing the current element. */
    private final List<Conn> touched = new ArrayList<>(4);
    /** The deadline of {@code touched[i]} when it was read; {@code Long.MIN_VALUE} for an inserted one. */
    private long[] deadlineAtRead = new long[4];

    KeyedConnTable(MapState<Tuple, Conn> entries) {
        this.entries = entries;
    }

    void bind(Conntrack engine) {
        this.engine = engine;
    }

    @Override
    public Conn find(Tuple t) {
        Conn cached = findTouched(t);
        if (cached != null) {
            return cached;
        }
        Conn ct = get(t);
        if (ct != null) {
            return ct;
        }
        Tuple inverse = engine.tracker(t.protocol).invert(t);
        if (inverse != null) {
            ct = get(inverse);
            if (ct != null && ct.reply.equals(t)) {
                return ct;
            }
        }
        return null;
    }

    /** The live entry already read or inserted in this element that has {@code t} as a tuple, or null. */
    private Conn findTouched(Tuple t) {
        for (Conn ct : touched) {
            if (!ct.is(Status.DYING) && ct.confirmed() && (ct.orig.equals(t) || ct.reply.equals(t))) {
                return ct;
            }
        }
        return null;
    }

    /** The entry read or inserted in this element whose ORIGINAL tuple is this very object, or null. */
    Conn touchedWithOrig(Tuple orig) {
        for (Conn ct : touched) {
            if (ct.orig == orig) {
                return ct;
            }
        }
        return null;
    }

    private Conn get(Tuple orig) {
        try {
            Conn ct = entries.get(orig);
            if (ct != null) {
                touch(ct, ct.timeout);
            }
            return ct;
        } catch (Exception e) {
            throw new IllegalStateException("reading conntrack state", e);
        }
    }

    /**
     * Only records the entry: {@link #writeBack()} stores it at the end of the element. Until then
     * it is found through {@link #touched} (an inserted entry is confirmed and not dying); the
     * engine inserts at most once per element, as the last table operation before writeBack.
     */
    @Override
    public void insert(Conn ct) {
        touch(ct, Long.MIN_VALUE);
    }

    private void touch(Conn ct, long deadline) {
        int i = touched.size();
        if (i == deadlineAtRead.length) {
            deadlineAtRead = java.util.Arrays.copyOf(deadlineAtRead, 2 * i);
        }
        deadlineAtRead[i] = deadline;
        touched.add(ct);
    }

    @Override
    public void remove(Conn ct) {
        int i = touched.indexOf(ct);
        if (i >= 0) {
            touched.remove(i);
            System.arraycopy(deadlineAtRead, i + 1, deadlineAtRead, i, touched.size() - i);
        }
        try {
            entries.remove(ct.orig);
        } catch (Exception e) {
            throw new IllegalStateException("removing conntrack state", e);
        }
    }

    /** The entries read or inserted while processing the current element. */
    List<Conn> touched() {
        return touched;
    }

    /**
     * Stores every entry this element changed; call once at the end of each element.
     *
     * @return the earliest deadline among them that is new or earlier than when it was read,
     *     {@code Long.MAX_VALUE} for none
     */
    long writeBack() {
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < touched.size(); i++) {
            Conn ct = touched.get(i);
            if (!ct.is(Status.DYING)) {
                put(ct);
                if (ct.timeout < deadlineAtRead[i] || deadlineAtRead[i] == Long.MIN_VALUE) {
                    earliest = Math.min(earliest, ct.timeout);
                }
            }
        }
        touched.clear();
        return earliest;
    }

    private void put(Conn ct) {
        try {
            entries.put(ct.orig, ct);
        } catch (Exception e) {
            throw new IllegalStateException("writing conntrack state", e);
        }
    }

    /** Earliest deadline among the current key's entries, or {@code Long.MAX_VALUE}. */
    long earliestDeadline() {
        long min = Long.MAX_VALUE;
        try {
            for (Conn ct : entries.values()) {
                min = Math.min(min, ct.timeout);
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading conntrack state", e);
        }
        return min;
    }

    boolean isEmpty() {
        try {
            return entries.isEmpty();
        } catch (Exception e) {
            throw new IllegalStateException("reading conntrack state", e);
        }
    }

    @Override
    public int size() {
        int n = 0;
        try {
            for (Tuple ignored : entries.keys()) {
                n++;
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading conntrack state", e);
        }
        return n;
    }

    @Override
    public void forEach(Consumer<Conn> visitor) {
        try {
            for (Conn ct : entries.values()) {
                visitor.accept(ct);
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading conntrack state", e);
        }
    }

    @Override
    public void deadlineChanged(Conn ct) {
        // The entry is in touched: writeBack reports its deadline, and the operator re-arms the
        // key when it moved earlier.
    }

    @Override
    public Conn pollExpired(long now) {
        try {
            for (Conn ct : entries.values()) {
                if (ct.timeout <= now && !ct.is(Status.DYING)) {
                    // Through the identity cache: the object already in use if this element read
                    // the entry, else the one in hand (what reading it again would give).
                    Conn inUse = findTouched(ct.orig);
                    if (inUse != null) {
                        return inUse;
                    }
                    touch(ct, ct.timeout);
                    return ct;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading conntrack state", e);
        }
        return null;
    }

    @Override
    public void assured(Conn ct) {
        // No early-drop list: the keyed table has no global view (see ConntrackOptions).
    }

    @Override
    public Conn earlyDropCandidate() {
        return null;
    }
}
