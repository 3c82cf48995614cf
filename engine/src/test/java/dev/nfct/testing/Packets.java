package dev.nfct.testing;

import dev.nfct.core.Packet;
import dev.nfct.core.Tuple;

/**
 * Builds {@link Packet}s for tests without going through bytes:
 * {@code Packets.tcp("10.0.0.1", 1234, "10.0.0.2", 80).syn().seq(100).win(64240).build()}.
 */
public final class Packets {
    private final Packet p = new Packet();

    private Packets(int protocol, String src, String dst) {
        long[] s = addr(src), d = addr(dst);
        p.family = src.contains(":") ? Packet.AF_INET6 : Packet.AF_INET;
        p.srcHi = s[0];
        p.srcLo = s[1];
        p.dstHi = d[0];
        p.dstLo = d[1];
        p.protocol = protocol;
        p.hopLimit = 64;
    }

    public static Packets tcp(String src, int sport, String dst, int dport) {
        Packets b = new Packets(Packet.IPPROTO_TCP, src, dst);
        b.p.srcPort = sport;
        b.p.dstPort = dport;
        b.p.tcpDataOffset = 20;
        b.p.tcpWindow = 64240;
        return b;
    }

    public static Packets udp(String src, int sport, String dst, int dport) {
        Packets b = new Packets(Packet.IPPROTO_UDP, src, dst);
        b.p.srcPort = sport;
        b.p.dstPort = dport;
        return b;
    }

    public static Packets udplite(String src, int sport, String dst, int dport) {
        Packets b = udp(src, sport, dst, dport);
        b.p.protocol = Packet.IPPROTO_UDPLITE;
        b.p.udpChecksumField = 0x1234;
        return b;
    }

    public static Packets sctp(String src, int sport, String dst, int dport, long vtag) {
        Packets b = new Packets(Packet.IPPROTO_SCTP, src, dst);
        b.p.srcPort = sport;
        b.p.dstPort = dport;
        b.p.sctpVtag = vtag;
        return b;
    }

    public static Packets icmp(String src, String dst, int type, int code, int id) {
        boolean v6 = src.contains(":");
        Packets b = new Packets(v6 ? Packet.IPPROTO_ICMPV6 : Packet.IPPROTO_ICMP, src, dst);
        b.p.icmpType = type;
        b.p.icmpCode = code;
        b.p.icmpId = id;
        return b;
    }

    /** Any protocol number, no L4 fields (ESP, OSPF, ...). */
    public static Packets other(int protocol, String src, String dst) {
        return new Packets(protocol, src, dst);
    }

    public static Packets gre(String src, String dst) {
        return new Packets(Packet.IPPROTO_GRE, src, dst);
    }

    // ------------------------------------------------------------------ TCP
    public Packets flags(int f) {
        p.tcpFlags = f;
        return this;
    }

    public Packets syn() {
        return flags(Packet.TH_SYN);
    }

    public Packets synAck() {
        return flags(Packet.TH_SYN | Packet.TH_ACK);
    }

    public Packets ack() {
        return flags(Packet.TH_ACK);
    }

    public Packets finAck() {
        return flags(Packet.TH_FIN | Packet.TH_ACK);
    }

    public Packets rst() {
        return flags(Packet.TH_RST);
    }

    public Packets rstAck() {
        return flags(Packet.TH_RST | Packet.TH_ACK);
    }

    public Packets seq(long seq) {
        p.tcpSeq = seq & 0xffffffffL;
        return this;
    }

    public Packets ackNo(long ack) {
        p.tcpAck = ack & 0xffffffffL;
        return this;
    }

    public Packets win(int w) {
        p.tcpWindow = w;
        return this;
    }

    public Packets wscale(int ws) {
        p.tcpWscale = ws;
        return this;
    }

    public Packets sackPerm() {
        p.tcpSackPerm = true;
        return this;
    }

    public Packets sack(long rightEdge) {
        p.tcpHasSack = true;
        p.tcpSackMax = rightEdge & 0xffffffffL;
        return this;
    }

    public Packets dataOffset(int bytes) {
        p.tcpDataOffset = bytes;
        return this;
    }

    // ------------------------------------------------------------------ common
    /** L4 payload bytes after the L4 header. */
    public Packets payload(int n) {
        this.payload = n;
        return this;
    }

    private int payload;
    private int l4LengthOverride = -1;

    /** Forces the L4 length (to build truncated headers). */
    public Packets l4Length(int n) {
        l4LengthOverride = n;
        return this;
    }

    public Packets gre(int version, int protocol, int callId) {
        p.greVersion = version;
        p.greProtocol = protocol;
        p.greCallId = callId;
        return this;
    }

    public Packets hopLimit(int h) {
        p.hopLimit = h;
        return this;
    }

    public Packets inner(Packet quoted) {
        p.inner = quoted;
        return this;
    }

    public Packets chunk(int type, int flags, long initTag) {
        p.addSctpChunk(type, flags, initTag);
        return this;
    }

    public Packets udpLength(int n) {
        p.udpLengthField = n;
        return this;
    }

    public Packet build() {
        int header;
        switch (p.protocol) {
            case Packet.IPPROTO_TCP:
                header = p.tcpDataOffset;
                break;
            case Packet.IPPROTO_UDP:
            case Packet.IPPROTO_UDPLITE:
                header = 8;
                break;
            case Packet.IPPROTO_ICMP:
            case Packet.IPPROTO_ICMPV6:
                header = 8;
                break;
            case Packet.IPPROTO_SCTP:
                header = 12 + 16 * Math.max(1, p.sctpChunkCount);
                break;
            case Packet.IPPROTO_GRE:
                header = p.greVersion == 1 ? 8 : 4;
                break;
            default:
                header = 0;
        }
        p.l4Length = l4LengthOverride >= 0 ? l4LengthOverride : header + payload;
        if (p.protocol == Packet.IPPROTO_UDP && p.udpLengthField == 0) {
            p.udpLengthField = p.l4Length;
        }
        if (p.protocol == Packet.IPPROTO_ICMP || p.protocol == Packet.IPPROTO_ICMPV6) {
            if (p.inner != null && l4LengthOverride < 0) {
                p.l4Length = 8 + p.inner.l3Length;
            }
        }
        p.l3Length = (p.family == Packet.AF_INET6 ? 40 : 20) + p.l4Length;
        return p;
    }

    /**
     * A lookup tuple (zone 0) from address text: IPv6 when {@code src} has a colon, else IPv4;
     * {@code srcU}/{@code dstU} are the protocol's two L4 words (ports, ICMP id and type/code, ...).
     */
    public static Tuple tuple(int protocol, String src, String dst, int srcU, int dstU) {
        long[] s = addr(src), d = addr(dst);
        int family = src.contains(":") ? Packet.AF_INET6 : Packet.AF_INET;
        return new Tuple(family, protocol, s[0], s[1], d[0], d[1], srcU, dstU, 0);
    }

    /** Parses dotted IPv4 or (full or ::-compressed) IPv6 text into {hi, lo}. */
    public static long[] addr(String a) {
        if (!a.contains(":")) {
            String[] q = a.split("\\.");
            long v = 0;
            for (String x : q) {
                v = v << 8 | Integer.parseInt(x);
            }
            return new long[] {0, v};
        }
        try {
            byte[] b = java.net.InetAddress.getByName(a).getAddress();
            long hi = 0, lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = hi << 8 | (b[i] & 0xff);
                lo = lo << 8 | (b[i + 8] & 0xff);
            }
            return new long[] {hi, lo};
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(a, e);
        }
    }
}
