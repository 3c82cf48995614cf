package dev.nfct.packet;

/**
 * The length of an IPv6 datagram whose header says payload length 0.
 *
 * <p>Zero is only meaningful for a jumbogram, whose real length is in a Jumbo Payload option of a
 * hop-by-hop header. Otherwise the kernel takes the datagram as its 40-byte header alone (observed
 * on 6.18 with the kernel runner): a transport header is then missing and the packet is invalid,
 * while a protocol the generic tracker follows is tracked, counted as 40 bytes. A malformed jumbo
 * option (too short a value, or longer than the bytes there) drops the packet before conntrack.
 */
final class Ipv6ZeroPayload {
    static final int HEADER = 40;
    /** Returned by {@link #datagramLength} for a datagram the kernel drops. */
    static final int DROPPED = -1;

    private static final int PAD1 = 0, JUMBO = 0xC2, JUMBO_OPTION_LENGTH = 4, MAX_PLAIN_PAYLOAD = 0xFFFF;

    private Ipv6ZeroPayload() {}

    /**
     * @param available bytes present from {@code at}, the start of the IPv6 header (at least 40)
     * @return the datagram's length: 40 plus a valid jumbo option's value, or 40 when there is no
     *         jumbo option; {@link #DROPPED} for a malformed jumbo option
     */
    static int datagramLength(byte[] b, int at, int available) {
        if (Bytes.u8(b, at + 6) != Ipv6Headers.HOP_BY_HOP || available < HEADER + 8) {
            return HEADER;
        }
        int hbh = at + HEADER;
        int end = hbh + ((Bytes.u8(b, hbh + 1) + 1) * 8);
        if (end > at + available) {
            return HEADER;
        }
        for (int pos = hbh + 2; pos < end; ) {
            int type = Bytes.u8(b, pos);
            if (type == PAD1) {
                pos++;
                continue;
            }
            if (pos + 2 > end) {
                return HEADER;
            }
            int length = Bytes.u8(b, pos + 1);
            if (type == JUMBO) {
                if (length != JUMBO_OPTION_LENGTH || pos + 6 > end) {
                    return DROPPED;
                }
                long jumbo = Bytes.u32(b, pos + 2);
                boolean fits = jumbo > MAX_PLAIN_PAYLOAD && jumbo <= available - HEADER;
                return fits ? HEADER + (int) jumbo : DROPPED;
            }
            pos += 2 + length;
        }
        return HEADER;
    }
}
