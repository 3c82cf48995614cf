package dev.nfct.packet;

import dev.nfct.core.Packet;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Whether the kernel's checksum check (with {@code nf_conntrack_checksum=1}, for a packet entering
 * at PRE_ROUTING) passes, by its rules as the kernel runner shows them on 6.18:
 *
 * <ul>
 *   <li>TCP, ICMPv6: the ones'-complement sum over the whole IP payload with the pseudo header
 *       (addresses, protocol, payload length); ICMP: over the message alone.
 *   <li>UDP: a checksum field of 0 is not checked (IPv6 included). Otherwise the sum covers the whole
 *       IP payload with the payload length in the pseudo header, not the UDP length: bytes after
 *       the UDP length count.
 *   <li>UDP-Lite: the bytes its coverage names (0: all), but with protocol 17 in the pseudo header,
 *       and for IPv4 only the low byte of the length; an RFC 3828 checksum therefore fails.
 *   <li>SCTP: the CRC32c of the whole payload (RFC 9260 appendix A).
 *   <li>Other protocols (GRE, DCCP and the rest, tracked generically): nothing is checked.
 * </ul>
 *
 * The quoted datagram of an ICMP error is never checked, only the error's own checksum.
 */
final class Checksums {
    private Checksums() {}

    /**
     * @param b   the datagram's bytes
     * @param ip  where its IP header starts
     * @param l4  where its transport header starts
     * @param n   bytes from {@code l4} to the end of the datagram
     */
    static boolean pass(byte[] b, int ip, int l4, int n, Packet p) {
        return switch (p.protocol) {
            case Packet.IPPROTO_TCP ->
                n >= 20 && fold(sum(b, l4, n) + pseudo(b, ip, p, Packet.IPPROTO_TCP, n)) == 0xffff;
            case Packet.IPPROTO_UDP ->
                n < 8
                        || Bytes.u16(b, l4 + 6) == 0
                        || fold(sum(b, l4, n) + pseudo(b, ip, p, Packet.IPPROTO_UDP, n)) == 0xffff;
            case Packet.IPPROTO_UDPLITE -> udpLite(b, ip, l4, n, p);
            case Packet.IPPROTO_ICMP -> n >= 4 && fold(sum(b, l4, n)) == 0xffff;
            case Packet.IPPROTO_ICMPV6 ->
                n >= 4 && fold(sum(b, l4, n) + pseudo(b, ip, p, Packet.IPPROTO_ICMPV6, n)) == 0xffff;
            case Packet.IPPROTO_SCTP -> n >= 12 && sctpCrcMatches(b, l4, n);
            default -> true;
        };
    }

    private static boolean udpLite(byte[] b, int ip, int l4, int n, Packet p) {
        if (n < 8) {
            return true; // the tracker refuses it anyway
        }
        int coverage = Bytes.u16(b, l4 + 4);
        int covered = coverage == 0 ? n : Math.min(coverage, n);
        int length = p.family == Packet.AF_INET ? n & 0xff : n;
        return fold(sum(b, l4, covered) + pseudo(b, ip, p, Packet.IPPROTO_UDP, length)) == 0xffff;
    }

    /** The pseudo header's sum: both addresses, the protocol and the length. */
    private static long pseudo(byte[] b, int ip, Packet p, int protocol, int length) {
        if (p.family == Packet.AF_INET) {
            return sum(b, ip + 12, 8) + protocol + length;
        }
        return sum(b, ip + 8, 32) + protocol + (length >>> 16) + (length & 0xffff);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * Ones'-complement sum of {@code n} bytes as 16-bit words (an odd last byte padded with 0),
     * unfolded. Eight bytes at a time: the two 32-bit halves of each are added into a 64-bit
     * accumulator, which folds to the same 16-bit sum (end-around carries commute).
     */
    static long sum(byte[] b, int at, int n) {
        long s = 0;
        int i = at, end8 = at + (n & ~7), end = at + n;
        for (; i < end8; i += 8) {
            long v = (long) LONGS.get(b, i);
            s += (v >>> 32) + (v & 0xffffffffL);
        }
        for (; i + 1 < end; i += 2) {
            s += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            s += (b[i] & 0xff) << 8;
        }
        return s;
    }

    static int fold(long s) {
        s = (s & 0xffffffffL) + (s >>> 32);
        s = (s & 0xffffffffL) + (s >>> 32);
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    private static boolean sctpCrcMatches(byte[] b, int l4, int n) {
        int stored =
                (b[l4 + 8] & 0xff) | (b[l4 + 9] & 0xff) << 8 | (b[l4 + 10] & 0xff) << 16 | (b[l4 + 11] & 0xff) << 24;
        CRC32C crc = new CRC32C();
        crc.update(b, l4, 8);
        crc.update(ZEROS, 0, 4); // the checksum field counts as zero
        crc.update(b, l4 + 12, n - 12);
        return (int) crc.getValue() == stored;
    }

    private static final byte[] ZEROS = new byte[4];
}
