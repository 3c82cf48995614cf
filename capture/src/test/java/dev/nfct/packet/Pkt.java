package dev.nfct.packet;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** Test helper: builds IP datagrams, L4 headers and link-layer frames byte by byte. */
final class Pkt {
    private Pkt() {}

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Bytes from ints, each taken as one byte. */
    static byte[] b(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static byte[] u16(int v) {
        return b(v >>> 8, v);
    }

    static byte[] u32(long v) {
        return b((int) (v >>> 24), (int) (v >>> 16), (int) (v >>> 8), (int) v);
    }

    static byte[] addr(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static long v4(String literal) {
        byte[] a = addr(literal);
        return Bytes.u32(a, 0);
    }

    static byte[] ipv4(int protocol, String src, String dst, byte[] payload) {
        return ipv4(protocol, src, dst, 1, 0, false, payload);
    }

    /** An IPv4 datagram (or fragment: {@code fragOffset} in bytes, {@code more} = MF flag). */
    static byte[] ipv4(int protocol, String src, String dst, int id, int fragOffset, boolean more, byte[] payload) {
        int flags = (more ? 0x2000 : 0) | fragOffset / 8;
        return cat(
                b(0x45, 0),
                u16(20 + payload.length),
                u16(id),
                u16(flags),
                b(64, protocol),
                u16(0),
                addr(src),
                addr(dst),
                payload);
    }

    /** An IPv6 datagram; {@code afterHeader} is everything after the fixed header (extension headers + L4). */
    static byte[] ipv6(int nextHeader, String src, String dst, byte[] afterHeader) {
        return cat(b(0x60, 0, 0, 0), u16(afterHeader.length), b(nextHeader, 64), addr(src), addr(dst), afterHeader);
    }

    /** An 8-byte IPv6 extension header of the 8-byte-unit kind (hop-by-hop, routing, destination options). */
    static byte[] ext8(int nextHeader) {
        return b(nextHeader, 0, 1, 4, 0, 0, 0, 0);
    }

    static byte[] fragmentHeader(int nextHeader, int offset, boolean more, long id) {
        return cat(b(nextHeader, 0), u16(offset | (more ? 1 : 0)), u32(id));
    }

    static byte[] tcp(int sport, int dport, long seq, long ack, int flags, int window, byte[] options, byte[] data) {
        byte[] opts = Arrays.copyOf(options, (options.length + 3) & ~3);
        int doff = (20 + opts.length) / 4;
        return cat(
                u16(sport),
                u16(dport),
                u32(seq),
                u32(ack),
                b(doff << 4, flags),
                u16(window),
                u16(0),
                u16(0),
                opts,
                data);
    }

    static byte[] udp(int sport, int dport, byte[] data) {
        return cat(u16(sport), u16(dport), u16(8 + data.length), u16(0xBEEF), data);
    }

    static byte[] ether(int etherType, byte[] payload) {
        return cat(new byte[12], u16(etherType), payload);
    }
}
