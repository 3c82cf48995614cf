package dev.nfct.core;

import java.util.function.Consumer;

/**
 * Where confirmed entries live, indexed under both of their tuples. The engine is written against
 * this interface so that the same logic can run over an in-memory table or over Flink keyed state.
 */
public interface ConnTable {
    /**
     * The confirmed entry that has this tuple as its ORIGINAL or REPLY tuple, or null
     * ({@link Conn#directionOf} says which).
     */
    Conn find(Tuple t);

    /**
     * {@link #find(Tuple)} for the tuple a {@link Tuple} built from these fields would be: lets the
     * entry hook look a packet up without building a tuple. Tables should override it to probe
     * without allocating.
     */
    default Conn find(
            int family, int protocol, long srcHi, long srcLo, long dstHi, long dstLo, int srcU, int dstU, int zone) {
        return find(new Tuple(family, protocol, srcHi, srcLo, dstHi, dstLo, srcU, dstU, zone));
    }

    /** Indexes a newly confirmed entry under both tuples. */
    void insert(Conn ct);

    /** Removes an entry (both tuples). */
    void remove(Conn ct);

    /** Number of confirmed entries. */
    int size();

    /** Visits every confirmed entry once. The visitor must not change the table. */
    void forEach(Consumer<Conn> visitor);

    /** The entry's deadline ({@link Conn#timeout}) changed; make sure expiry will find it in time. */
    void deadlineChanged(Conn ct);

    /** The next entry whose deadline is at or before {@code now}, or null when none is due. */
    Conn pollExpired(long now);

    /** The entry became ASSURED: it is no longer a candidate for early drop. */
    void assured(Conn ct);

    /** A confirmed, not-ASSURED entry to sacrifice when the table is full, or null. */
    Conn earlyDropCandidate();
}
