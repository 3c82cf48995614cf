package dev.nfct.core;

/**
 * One L4 protocol's part of connection tracking (the kernel's {@code nf_conntrack_proto_*}):
 * how to build and invert a tuple, whether a first packet may create an entry, and what each
 * packet does to the entry. Trackers are stateless; per-entry data lives in the entry, whose class
 * and binary form the tracker's {@link #entryType()} says.
 */
public interface ProtocolTracker {
    /** {@link #error}: not an error message; track the packet normally. */
    int NOT_AN_ERROR = 0;
    /** {@link #error}: handled; the packet is attached as RELATED / RELATED_REPLY, or UNTRACKED. */
    int HANDLED = 1;
    /** {@link #error}: the packet is invalid, and the {@code error} statistic counts it. */
    int REJECTED = -1;

    /**
     * Whether {@link #error} must see this protocol's packets before normal tracking (ICMP and
     * ICMPv6: an error message belongs to the entry it quotes).
     */
    default boolean inspectsErrors() {
        return false;
    }

    /**
     * For a protocol that {@link #inspectsErrors}: ties an error message to the entry it quotes
     * (filling {@code r}), leaves packets alone that conntrack does not track, or rejects a
     * malformed one.
     *
     * @return {@link #NOT_AN_ERROR}, {@link #HANDLED} or {@link #REJECTED}
     */
    default int error(Packet p, int zone, long now, PacketCt r, TrackerContext ctx) {
        return NOT_AN_ERROR;
    }

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
    boolean newConn(Conn ct, Packet p, TrackerContext ctx, long now);

    /**
     * Processes one packet for its entry (refreshing the timeout and counting it through the
     * context when valid).
     *
     * @param dir 0 when the packet matched the ORIGINAL tuple, 1 for REPLY
     */
    Verdict packet(Conn ct, Packet p, int dir, CtInfo ctinfo, TrackerContext ctx, long now);

    /** What this protocol's tuples hold in their L4 words (how they are printed, carried and keyed). */
    default L4Kind l4Kind() {
        return L4Kind.NONE;
    }

    /** What this protocol's entries are: their class and their tracker data's binary form. */
    default EntryType entryType() {
        return EntryType.Base.PLAIN;
    }

    /** Protocol state name for events and listings, or null when the protocol has none. */
    default String stateName(Conn ct) {
        return null;
    }

    /** Whether two racing unconfirmed entries for one flow may be merged instead of dropping. */
    default boolean allowsClash() {
        return false;
    }
}
