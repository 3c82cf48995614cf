package dev.nfct.core;

/**
 * The shape of a protocol's L4 words in a tuple ({@link Tuple#srcU}, {@link Tuple#dstU}), which
 * says how a tuple is printed, carried in records and keyed. The one place that maps protocol
 * numbers to it.
 */
public enum L4Kind {
    /** Source and destination port (TCP, UDP, UDPLite, SCTP, DCCP). */
    PORTS,
    /** ICMP / ICMPv6: the identifier, and the type and code. */
    ICMP,
    /** GRE: the two keys (call ids of PPTP's enhanced GRE). */
    GRE,
    /** Addresses only. */
    NONE;

    public static L4Kind of(int protocol) {
        return switch (protocol) {
            // DCCP is printed with its ports although the generic tracker keeps none (they are 0).
            case Packet.IPPROTO_TCP,
                    Packet.IPPROTO_UDP,
                    Packet.IPPROTO_UDPLITE,
                    Packet.IPPROTO_SCTP,
                    Packet.IPPROTO_DCCP -> PORTS;
            case Packet.IPPROTO_ICMP, Packet.IPPROTO_ICMPV6 -> ICMP;
            case Packet.IPPROTO_GRE -> GRE;
            default -> NONE;
        };
    }
}
