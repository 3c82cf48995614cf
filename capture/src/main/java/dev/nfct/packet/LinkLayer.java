package dev.nfct.packet;

import java.util.Arrays;

/**
 * Removes the link-layer framing of a captured frame to reach the IP datagram conntrack sees.
 * VLAN tags and PPPoE headers are stripped because the kernel removes them before the IP hooks.
 */
public final class LinkLayer {
    public static final int DLT_NULL = 0,
            DLT_EN10MB = 1,
            DLT_RAW_BSD = 12,
            DLT_RAW_BSDOS = 14,
            DLT_RAW = 101,
            DLT_LOOP = 108,
            DLT_LINUX_SLL = 113,
            DLT_IPV4 = 228,
            DLT_IPV6 = 229,
            DLT_NFLOG = 239,
            DLT_LINUX_SLL2 = 276;
    private static final int ETH_IPV4 = 0x0800, ETH_IPV6 = 0x86DD, ETH_PPPOE_SESSION = 0x8864;
    private static final int PPP_IPV4 = 0x21, PPP_IPV6 = 0x57;
    /** Marks link types that do not say which IP version follows: the version nibble decides. */
    private static final int BY_VERSION_NIBBLE = -1;

    private LinkLayer() {}

    /**
     * @return the IP datagram, trimmed to its IP length (dropping link padding) and, when the
     *         capture cut it short, zero-padded to that length (the kernel counts the full length in
     *         byte counters); or a skip reason for frames without a usable IP datagram
     * @throws UnsupportedLinkTypeException for link types not listed in this class
     */
    public static IpSlice extract(int linkType, byte[] frame, int frameNumber) {
        return switch (linkType) {
            case DLT_EN10MB -> ethernet(frame);
            case DLT_RAW, DLT_RAW_BSD, DLT_RAW_BSDOS -> ip(frame, 0, BY_VERSION_NIBBLE);
            case DLT_IPV4 -> ip(frame, 0, ETH_IPV4);
            case DLT_IPV6 -> ip(frame, 0, ETH_IPV6);
            // The 4-byte address family of null/loopback headers differs per OS and byte order; the
            // IP version nibble is unambiguous.
            case DLT_NULL, DLT_LOOP -> frame.length < 4 ? IpSlice.skipped("short") : ip(frame, 4, BY_VERSION_NIBBLE);
            case DLT_LINUX_SLL -> frame.length < 16 ? IpSlice.skipped("short") : ip(frame, 16, Bytes.u16(frame, 14));
            case DLT_LINUX_SLL2 -> frame.length < 20 ? IpSlice.skipped("short") : ip(frame, 20, Bytes.u16(frame, 0));
            case DLT_NFLOG ->
                throw new UnsupportedLinkTypeException("frame " + frameNumber
                        + ": link type 239 (NFLOG) holds hook observations, one record per packet per hook,"
                        + " not one packet per frame: send it to the job (send, demo --pcap), which reads it as such");
            default ->
                throw new UnsupportedLinkTypeException("frame " + frameNumber + ": unsupported link type " + linkType
                        + " (supported: 0, 1, 12, 14, 101, 108, 113, 228, 229, 276)");
        };
    }

    private static IpSlice ethernet(byte[] f) {
        if (f.length < 14) {
            return IpSlice.skipped("short");
        }
        int type = Bytes.u16(f, 12);
        int at = 14;
        while ((type == 0x8100 || type == 0x88A8 || type == 0x9100) && f.length >= at + 4) {
            type = Bytes.u16(f, at + 2);
            at += 4;
        }
        if (type == ETH_PPPOE_SESSION && f.length >= at + 8) {
            int ppp = Bytes.u16(f, at + 6);
            at += 8;
            type = ppp == PPP_IPV4 ? ETH_IPV4 : ppp == PPP_IPV6 ? ETH_IPV6 : 0;
            if (type == 0) {
                return IpSlice.skipped(String.format("non-ip PPP protocol 0x%04x", ppp));
            }
        }
        return ip(f, at, type);
    }

    /** Checks the IP header is usable and fixes the datagram's length to what its header says. */
    private static IpSlice ip(byte[] f, int at, int etherType) {
        int available = f.length - at;
        if (available <= 0) {
            return IpSlice.skipped("short");
        }
        int version = (f[at] & 0xff) >>> 4;
        if (etherType == BY_VERSION_NIBBLE) {
            etherType = version == 4 ? ETH_IPV4 : version == 6 ? ETH_IPV6 : 0;
            if (etherType == 0) {
                return IpSlice.skipped("non-ip version nibble " + version);
            }
        }
        int ipLength;
        if (etherType == ETH_IPV4) {
            if (available < 20 || version != 4) {
                return IpSlice.skipped("bad-ip: IPv4 frame with version " + version + " and " + available + " bytes");
            }
            ipLength = Bytes.u16(f, at + 2);
            int headerLength = (f[at] & 0x0f) * 4;
            // The kernel receives these and drops them before conntrack (the replay harness still
            // sends them): a header length under 20 or past the data, or a total length under it.
            if (headerLength < 20 || headerLength > available || (ipLength != 0 && ipLength < headerLength)) {
                return IpSlice.dropped("IPv4 header length " + headerLength + " with total length " + ipLength + " and "
                        + available + " bytes");
            }
        } else if (etherType == ETH_IPV6) {
            if (available < 40 || version != 6) {
                return IpSlice.skipped("bad-ip: IPv6 frame with version " + version + " and " + available + " bytes");
            }
            ipLength = Ipv6InputChecks.datagramLength(f, at, available);
            if (ipLength == Ipv6InputChecks.DROPPED) {
                return IpSlice.dropped("IPv6 hop-by-hop options or jumbo payload refused");
            }
        } else {
            return IpSlice.skipped(String.format("non-ip ethertype 0x%04x", etherType));
        }
        if (available > ipLength && ipLength >= 20) {
            return IpSlice.of(f, at, ipLength);
        }
        if (available < ipLength) {
            byte[] padded = Arrays.copyOfRange(f, at, at + ipLength);
            return IpSlice.of(padded, 0, ipLength);
        }
        return IpSlice.of(f, at, available);
    }
}
