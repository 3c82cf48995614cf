package dev.nfct.core;

/**
 * One L4 protocol's part of connection tracking (the kernel's {@code nf_conntrack_proto_*}):
 * how to build and invert a tuple, whether a first packet may create an entry, and what each
 * packet does to the entry. Trackers are stateless; per-entry state lives in {@link Conn}.
 */
public interface ProtocolTracker {
    /**
     * The ORIGINAL-direction tuple candidate of a packet, or null when the L4 header is too short
     * to extract it (the packet is then invalid).
     */
    Tuple tuple(Packet p, int zone);

    /**
     * The two L4 words of {@link #tuple}'s result packed as {@code srcU << 16 | dstU} (each masked
     * to 16 bits, in the low 32 bits of the result), or -1 exactly when {@code tuple} would return
     * null: what the entry hook needs to look a packet up without building a tuple. The default
     * builds the tuple; trackers override it to allocate nothing.
     */
    default long l4Words(Packet p) {
        Tuple t = tuple(p, 0);
        return t == null ? -1 : (t.srcU << 16 | t.dstU) & 0xffffffffL;
    }

    /**
     * A new entry for a flow of this protocol, before {@link #newConn}. Trackers whose per-entry
     * data is on every packet's path return a subclass of {@link Conn} that holds it inline, so an
     * entry is one object; the default is a plain entry, with any data in {@link Conn#proto}.
     */
    default Conn newEntry(Tuple orig, Tuple reply, int id, int mark, boolean acct, boolean timestamp, boolean ecache) {
        return new Conn(orig, reply, id, mark, acct, timestamp, ecache);
    }

    /** The REPLY tuple of an ORIGINAL one, or null when it cannot be inverted (no entry possible). */
    Tuple invert(Tuple orig);

    /**
     * First packet of a new, unconfirmed entry: may it create one? If so, initialise the
     * tracker's private state. Returning false makes the packet invalid and discards the entry.
     */
    boolean newConn(Conn ct, Packet p, Conntrack engine, long now);

    /**
     * Processes one packet for its entry (refreshing the timeout and counting it through the
     * engine when valid).
     *
     * @param dir 0 when the packet matched the ORIGINAL tuple, 1 for REPLY
     */
    Verdict packet(Conn ct, Packet p, int dir, CtInfo ctinfo, Conntrack engine, long now);

    /** Protocol state name for events and listings, or null when the protocol has none. */
    default String stateName(Conn ct) {
        return ct.proto == null ? null : ct.proto.stateName();
    }

    /** Whether two racing unconfirmed entries for one flow may be merged instead of dropping. */
    default boolean allowsClash() {
        return false;
    }
}
