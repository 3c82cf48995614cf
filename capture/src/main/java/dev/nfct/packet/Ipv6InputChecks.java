package dev.nfct.packet;

/**
 * What the kernel checks in an IPv6 datagram before conntrack sees it: its hop-by-hop options and
 * its length. Observed on 6.18 with the kernel runner (a bridge with br_netfilter):
 *
 * <ul>
 *   <li>A hop-by-hop header right after the IPv6 header is walked option by option. An option
 *       running past the header, or a Jumbo Payload option that is misaligned, not 4 bytes long,
 *       under 65,536, longer than the data or beside a non-zero payload length, drops the
 *       datagram. Unknown options, whatever their action bits, pass; so does anything in a later
 *       hop-by-hop or destination options header.
 *   <li>Payload length 0 is only meaningful with a Jumbo Payload option. Without one, the datagram
 *       is its 40-byte header alone: a transport header is then missing and the packet is
 *       invalid, while a protocol the generic tracker follows is tracked, counted as 40 bytes.
 * </ul>
 */
final class Ipv6InputChecks {
    static final int HEADER = 40;
    /** Returned by {@link #datagramLength} for a datagram the kernel drops. */
    static final int DROPPED = -1;

    private static final int PAD1 = 0, JUMBO = 0xC2, JUMBO_OPTION_LENGTH = 4, MAX_PLAIN_PAYLOAD = 0xFFFF;
    /** No Jumbo Payload option was found. */
    private static final long NO_JUMBO = 0;

    private Ipv6InputChecks() {}

    /**
     * @param available bytes present from {@code at}, the start of the IPv6 header (at least 40)
     * @return the datagram's length as the kernel takes it (40 plus the payload length, or a valid
     *     jumbo option's value, or 40 alone for payload length 0 without one), or {@link #DROPPED}
     */
    static int datagramLength(byte[] b, int at, int available) {
        int payload = Bytes.u16(b, at + 4);
        long jumbo = NO_JUMBO;
        if (Bytes.u8(b, at + 6) == Ipv6Headers.HOP_BY_HOP) {
            jumbo = hopByHopJumbo(b, at, available, payload);
            if (jumbo < 0) {
                return DROPPED;
            }
        }
        if (payload != 0) {
            return HEADER + payload;
        }
        return jumbo == NO_JUMBO ? HEADER : HEADER + (int) jumbo;
    }

    /** The jumbo option's value, {@link #NO_JUMBO} without one, or -1 when the header is refused. */
    private static long hopByHopJumbo(byte[] b, int at, int available, int payload) {
        if (available < HEADER + 8) {
            return -1;
        }
        int end = HEADER + (Bytes.u8(b, at + HEADER + 1) + 1) * 8; // offsets from the IPv6 header
        if (end > available) {
            return -1;
        }
        long jumbo = NO_JUMBO;
        for (int off = HEADER + 2; off < end; ) {
            int type = Bytes.u8(b, at + off);
            if (type == PAD1) {
                off++;
                continue;
            }
            if (off + 2 > end) {
                return -1;
            }
            int optionEnd = off + 2 + Bytes.u8(b, at + off + 1);
            if (optionEnd > end) {
                return -1;
            }
            if (type == JUMBO) {
                if (Bytes.u8(b, at + off + 1) != JUMBO_OPTION_LENGTH || (off & 3) != 2 || payload != 0) {
                    return -1;
                }
                jumbo = Bytes.u32(b, at + off + 2);
                if (jumbo <= MAX_PLAIN_PAYLOAD || jumbo > available - HEADER) {
                    return -1;
                }
            }
            off = optionEnd;
        }
        return jumbo;
    }
}
