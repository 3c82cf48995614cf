package dev.nfct.core;

/**
 * One L4 protocol's part of connection tracking (the kernel's {@code nf_conntrack_proto_*}):
 * how to build and invert a tuple, whether a first packet may create an entry, and what each
 * packet does to the entry. Trackers are stateless; per-entry state lives in {@link Conn}.
 */
public interface ProtocolTracker {
    /**
     * The packet's two L4 words ({@link Tuple#srcU}, {@link Tuple#dstU}) packed as
     * {@code srcU << 16 | dstU}, each masked to 16 bits, in the low 32 bits of the result; or -1
     * when the L4 header is too short or unfit to extract them (the packet is then invalid). What
     * the entry hook looks a packet up by, without building a tuple.
     */
    long l4Words(Packet p);

    /** The ORIGINAL-direction tuple candidate of a packet, or null exactly when {@link #l4Words} is -1. */
    default Tuple tuple(Packet p, int zone) {
        long l4 = l4Words(p);
        return l4 < 0 ? null : Tuple.ofPacket(p, (int) l4, zone);
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
