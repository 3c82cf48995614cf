package dev.nfct.core.proto;

/**
 * Which ICMP and ICMPv6 messages are errors about another packet, whose header they quote. The
 * ICMP trackers, the packet decoder and the job's keying all ask here.
 */
public final class IcmpTypes {
    /** ICMPv6 redirect: not an error, but it carries the redirected packet's header too. */
    public static final int ICMPV6_REDIRECT = 137;

    private IcmpTypes() {}

    /**
     * An error message: ICMP destination unreachable, source quench, redirect, time exceeded and
     * parameter problem; every ICMPv6 type below 128.
     */
    public static boolean isError(boolean v6, int type) {
        if (v6) {
            return type < 128;
        }
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /** A message that quotes another packet: an error, or an ICMPv6 redirect. */
    public static boolean quotesAPacket(boolean v6, int type) {
        return isError(v6, type) || (v6 && type == ICMPV6_REDIRECT);
    }
}
