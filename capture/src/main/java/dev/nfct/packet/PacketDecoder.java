package dev.nfct.packet;

import dev.nfct.core.Packet;

/**
 * Decodes one whole (already reassembled) IP datagram into a {@link Packet}: the L3 and L4 fields
 * connection tracking reads. Stateless and thread-safe.
 *
 * <p>Checksums are verified only by a decoder made to ({@link #PacketDecoder(boolean)}), for
 * {@code nf_conntrack_checksum=1}; otherwise {@link Packet#l4ChecksumOk} stays true, as the kernel
 * does not look at them with the replay default {@code nf_conntrack_checksum=0}.
 *
 * <p>For ICMP errors (and ICMPv6 redirects with a Redirected Header option) the quoted datagram is
 * decoded into {@link Packet#inner}; {@code inner} stays null when the quote is too damaged to hold
 * an IP header, which conntrack treats as an unusable error message.
 */
public final class PacketDecoder {
    private static final int IPV6_HEADER = 40;

    /**
     * Decodes {@code buf[off, off+len)} into {@code out} (which is reset first). Allocates nothing for
     * TCP and UDP, so one {@code out} can be reused per packet.
     *
     * @throws MalformedPacketException when the bytes are not an IPv4/IPv6 datagram with a complete header
     */
    public void decode(byte[] buf, int off, int len, Packet out) {
        out.reset();
        int l4 = decodeIp(buf, off, len, out, false);
        if (verifyChecksums && l4 >= 0 && !out.l4Unreachable) {
            out.l4ChecksumOk = Checksums.pass(buf, off, l4, out.l4Length, out);
        }
    }

    private final boolean verifyChecksums;

    /** A decoder that leaves {@link Packet#l4ChecksumOk} true (what {@code nf_conntrack_checksum=0} needs). */
    public PacketDecoder() {
        this(false);
    }

    /**
     * @param verifyChecksums compute {@link Packet#l4ChecksumOk} by the kernel's rules for a packet
     *     entering at PRE_ROUTING ({@link Checksums}), for {@code nf_conntrack_checksum=1}
     */
    public PacketDecoder(boolean verifyChecksums) {
        this.verifyChecksums = verifyChecksums;
    }

    /**
     * Decodes a datagram quoted in an ICMP error, or returns null when it holds no usable IP
     * header. It is read as the outer packet's family whatever its version nibble says, as the
     * kernel reads it (observed on 6.18: such an error is RELATED when the rest matches).
     */
    static Packet decodeQuoted(byte[] buf, int off, int len, int outerFamily) {
        Packet inner = new Packet();
        try {
            if (len < 1) {
                throw new MalformedPacketException("empty datagram");
            }
            if (outerFamily == Packet.AF_INET6) {
                ipv6(buf, off, len, inner, true);
            } else {
                ipv4(buf, off, len, inner, true);
            }
            return inner;
        } catch (MalformedPacketException e) {
            return null;
        }
    }

    /** @return where the transport header starts, or -1 when there is none to check */
    private static int decodeIp(byte[] b, int off, int len, Packet p, boolean quoted) {
        if (len < 1) {
            throw new MalformedPacketException("empty datagram");
        }
        int version = Bytes.u8(b, off) >>> 4;
        if (version == 4) {
            return ipv4(b, off, len, p, quoted);
        } else if (version == 6) {
            return ipv6(b, off, len, p, quoted);
        } else {
            throw new MalformedPacketException("IP version nibble is " + version + ", not 4 or 6");
        }
    }

    private static int ipv4(byte[] b, int off, int len, Packet p, boolean quoted) {
        if (len < 20) {
            throw new MalformedPacketException("IPv4 header needs 20 bytes, only " + len + " present");
        }
        int headerLength = (Bytes.u8(b, off) & 0x0f) * 4;
        if (headerLength < 20) {
            throw new MalformedPacketException("IPv4 header length field (IHL) is " + headerLength / 4 + ", below 5");
        }
        if (headerLength > len) {
            throw new MalformedPacketException(
                    "IPv4 header length " + headerLength + " exceeds the " + len + " bytes present");
        }
        int total = Bytes.u16(b, off + 2);
        if (total == 0 && !quoted) {
            total = len; // a segmentation-offload capture: the bytes there are the datagram
        }
        if (total < headerLength && !quoted) {
            throw new MalformedPacketException(
                    "IPv4 total length " + total + " is shorter than its header (" + headerLength + ")");
        }
        p.family = Packet.AF_INET;
        p.srcLo = Bytes.u32(b, off + 12);
        p.dstLo = Bytes.u32(b, off + 16);
        // A quote claims the length of the datagram it was cut from; one that claims less than
        // is quoted is taken as long as the quote, so the L4 part always fits in it.
        p.l3Length = quoted ? Math.max(total, len) : total;
        p.hopLimit = Bytes.u8(b, off + 8);
        p.protocol = Bytes.u8(b, off + 9);
        int l4 = off + headerLength;
        // A quoted datagram is read as far as its bytes go, whatever its total length says
        // (observed on 6.18: the error is still RELATED).
        p.l4Length = (quoted ? len : Math.min(total, len)) - headerLength;
        if ((Bytes.u16(b, off + 6) & 0x1fff) != 0) {
            p.l4Unreachable = true; // a later fragment: no L4 header in it
            return -1;
        }
        transport(b, l4, p.l4Length, p, quoted);
        return l4;
    }

    private static int ipv6(byte[] b, int off, int len, Packet p, boolean quoted) {
        if (len < IPV6_HEADER) {
            throw new MalformedPacketException("IPv6 header needs 40 bytes, only " + len + " present");
        }
        int payload = Bytes.u16(b, off + 4);
        p.family = Packet.AF_INET6;
        p.srcHi = Bytes.u64(b, off + 8);
        p.srcLo = Bytes.u64(b, off + 16);
        p.dstHi = Bytes.u64(b, off + 24);
        p.dstLo = Bytes.u64(b, off + 32);
        // Payload length 0 is a jumbogram: the kernel's input checks (Ipv6InputChecks) were applied
        // when the datagram was cut from its frame, so the bytes given are the datagram it keeps.
        p.l3Length = payload == 0 ? len : IPV6_HEADER + payload;
        if (quoted) {
            p.l3Length = Math.max(p.l3Length, len); // as for IPv4: the L4 part always fits
        }
        p.hopLimit = Bytes.u8(b, off + 7);
        // A quoted datagram is read as far as its bytes go, whatever its payload length says
        // (observed on 6.18: the error is still RELATED).
        int end = off + (quoted ? len : Math.min(p.l3Length, len));
        int nh = Bytes.u8(b, off + 6);
        int pos = off + IPV6_HEADER;
        // The walk reads only each header's next-header and length bytes (and a fragment
        // header's offset field), as the kernel's does: a header whose rest runs past the data is
        // stepped over all the same. Where the walk ends past the data, the transport header is
        // missing (invalid for the trackers that read one) while a protocol tracked generically
        // is tracked (observed on 6.18 with the kernel runner).
        while (Ipv6Headers.isExtension(nh)) {
            int hl = Ipv6Headers.length(nh, b, pos, end);
            if (hl < 0 || (nh == Ipv6Headers.FRAGMENT && pos + 4 > end)) {
                p.protocol = nh;
                p.l4Unreachable = true; // the chain's own bytes are not there: L4 cannot be located
                return -1;
            }
            if (nh == Ipv6Headers.FRAGMENT && (Bytes.u16(b, pos + 2) & 0xfff8) != 0) {
                p.protocol = Bytes.u8(b, pos);
                p.l4Length = Math.max(0, end - pos - hl);
                p.l4Unreachable = true; // a later fragment: no L4 header in it
                return -1;
            }
            if (nh == Ipv6Headers.FRAGMENT && !quoted && (Bytes.u16(b, pos + 2) & 1) != 0) {
                // A first fragment that reaches conntrack unreassembled: defragmentation refused
                // it (its transport header is cut short), and the kernel calls it invalid.
                p.protocol = Bytes.u8(b, pos);
                p.l4Length = Math.max(0, end - pos - hl);
                p.l4Unreachable = true;
                return -1;
            }
            nh = Bytes.u8(b, pos);
            pos += hl;
        }
        p.protocol = nh;
        p.l4Length = Math.max(0, end - pos);
        transport(b, Math.min(pos, end), p.l4Length, p, quoted);
        return Math.min(pos, end);
    }

    private static void transport(byte[] b, int at, int n, Packet p, boolean quoted) {
        switch (p.protocol) {
            case Packet.IPPROTO_TCP -> TcpDecoder.decode(b, at, n, p);
            case Packet.IPPROTO_UDP, Packet.IPPROTO_UDPLITE -> TransportDecoder.udp(b, at, n, p);
            case Packet.IPPROTO_SCTP -> TransportDecoder.sctp(b, at, n, p);
            case Packet.IPPROTO_GRE -> TransportDecoder.gre(b, at, n, p);
            case Packet.IPPROTO_ICMP, Packet.IPPROTO_ICMPV6 -> IcmpDecoder.decode(b, at, n, p, quoted);
            default -> {
                // Generic protocols: conntrack only uses the protocol number and the addresses.
            }
        }
    }
}
