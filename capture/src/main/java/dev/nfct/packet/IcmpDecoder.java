package dev.nfct.packet;

import dev.nfct.core.Packet;
import dev.nfct.core.proto.IcmpTypes;

/** Fills the ICMP / ICMPv6 fields and, for errors and redirects, the quoted datagram. */
final class IcmpDecoder {
    private static final int ICMP_HEADER = 8;
    private static final int REDIRECT_OPTIONS_START = 40, OPT_REDIRECTED_HEADER = 4;

    private IcmpDecoder() {}

    /**
     * @param quoted true when this ICMP message is itself quoted inside an ICMP error: conntrack
     *               only needs its type, code and id then, so no further nesting is decoded
     */
    static void decode(byte[] b, int at, int n, Packet p, boolean quoted) {
        if (n >= 1) {
            p.icmpType = Bytes.u8(b, at);
        }
        if (n >= 2) {
            p.icmpCode = Bytes.u8(b, at + 1);
        }
        if (n >= 6) {
            p.icmpId = Bytes.u16(b, at + 4);
        }
        if (quoted || n < 1) {
            return;
        }
        boolean v6 = p.protocol == Packet.IPPROTO_ICMPV6;
        if (IcmpTypes.isError(v6, p.icmpType)) {
            if (n > ICMP_HEADER) {
                p.inner = PacketDecoder.decodeQuoted(b, at + ICMP_HEADER, n - ICMP_HEADER, p.family);
            }
        } else if (v6 && p.icmpType == IcmpTypes.ICMPV6_REDIRECT) {
            p.inner = redirectedHeader(b, at, at + n);
        }
    }

    /** Finds the Redirected Header option of an ICMPv6 redirect and decodes the datagram it carries. */
    private static Packet redirectedHeader(byte[] b, int at, int end) { // ICMPv6 only
        int opt = at + REDIRECT_OPTIONS_START;
        while (opt + 2 <= end) {
            int length = Bytes.u8(b, opt + 1) * 8;
            if (length == 0) {
                return null; // a zero length would loop forever; the message is broken
            }
            if (Bytes.u8(b, opt) == OPT_REDIRECTED_HEADER) {
                // type, length and 6 reserved bytes precede the quoted datagram
                int start = opt + 8;
                int stop = Math.min(opt + length, end);
                return stop > start ? PacketDecoder.decodeQuoted(b, start, stop - start, Packet.AF_INET6) : null;
            }
            opt += length;
        }
        return null;
    }
}
