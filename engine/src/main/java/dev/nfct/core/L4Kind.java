package dev.nfct.core;

/**
 * The shape of a protocol's L4 words in a tuple ({@link Tuple#srcU}, {@link Tuple#dstU}), which
 * says how a tuple is printed, carried in records and keyed. Each tracker says which its tuples
 * have ({@link ProtocolTracker#l4Kind()}); {@code proto.Trackers.l4Kind} looks it up by protocol.
 */
public enum L4Kind {
    /** Source and destination port (TCP, UDP, UDPLite, SCTP). */
    PORTS,
    /** ICMP / ICMPv6: the identifier, and the type and code. */
    ICMP,
    /** GRE: the two keys (call ids of PPTP's enhanced GRE). */
    GRE,
    /** Addresses only. */
    NONE;
}
