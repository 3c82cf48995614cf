package dev.nfct.schema;

import dev.nfct.avro.EmbeddedPacket;
import dev.nfct.avro.GreHeader;
import dev.nfct.avro.Hook;
import dev.nfct.avro.IcmpHeader;
import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.SctpChunk;
import dev.nfct.avro.SctpHeader;
import dev.nfct.avro.TcpHeader;
import dev.nfct.avro.UdpHeader;
import dev.nfct.core.Packet;
import java.nio.ByteBuffer;

/**
 * The validity rules of the {@code PacketEvent} contract, checked before a record reaches the
 * engine. The engine trusts its {@link Packet}s (a decoder made them); records come from programs
 * outside the job, and a value out of its wire range (a 70000 port, a 5-byte address) would be
 * silently truncated into some other, wrong connection. So every field is held to what its wire
 * field can carry, and the first violation is reported by name for the dead letter.
 */
final class PacketEventChecks {
    private static final long U8 = 0xff, U16 = 0xffff, U32 = 0xffff_ffffL;
    /** Largest IPv4 datagram (16-bit total length). */
    private static final int MAX_IPV4_LENGTH = 0xffff;
    /**
     * IPv6 jumbograms and BIG TCP / GRO captures (payload length 0) exceed 64 KiB; 16 MiB is far
     * above any of them and still flags lengths that are plainly garbage.
     */
    private static final int MAX_IPV6_LENGTH = 1 << 24;
    /** 13-bit fragment offset field, in 8-byte units. */
    private static final int MAX_FRAGMENT_OFFSET = 0x1fff * 8;

    private PacketEventChecks() {}

    /** @throws InvalidPacketEventException naming the first rule {@code e} breaks */
    static void check(PacketEvent e) {
        if (e.getHook() == null || e.getHook() == Hook.UNKNOWN) {
            throw invalid("hook is UNKNOWN (not set, or a hook this reader does not know)");
        }
        if (e.getTimestampNs() <= 0) {
            throw invalid("timestampNs " + e.getTimestampNs() + " is not a positive event time");
        }
        range("zone", e.getZone(), 0, U16);
        int family = addresses("", e.getSrc(), e.getDst());
        range("protocol", e.getProtocol(), 0, U8);
        lengths("", family, e.getL3Length(), e.getL4Length(), e.getFragmentOffset());
        range("ttl", e.getTtl(), 0, U8);
        range("srcPort", e.getSrcPort(), 0, U16);
        range("dstPort", e.getDstPort(), 0, U16);
        if (e.getFragmentOffset() == 0) {
            l4(e);
        }
    }

    /** The header record of the packet's protocol: required, and within its field ranges. */
    private static void l4(PacketEvent e) {
        switch (e.getProtocol()) {
            case Packet.IPPROTO_TCP -> tcp(required(e.getTcp(), "tcp", "TCP"));
            case Packet.IPPROTO_UDP, Packet.IPPROTO_UDPLITE -> udp(required(e.getUdp(), "udp", "UDP/UDPLite"));
            case Packet.IPPROTO_ICMP, Packet.IPPROTO_ICMPV6 -> icmp(required(e.getIcmp(), "icmp", "ICMP/ICMPv6"));
            case Packet.IPPROTO_GRE -> gre(required(e.getGre(), "gre", "GRE"));
            case Packet.IPPROTO_SCTP -> sctp(required(e.getSctp(), "sctp", "SCTP"));
            default -> {
                // Other protocols are tracked by addresses alone.
            }
        }
    }

    private static <R> R required(R record, String field, String protocol) {
        if (record == null) {
            throw invalid(protocol + " packet (fragmentOffset 0) without its " + field + " header record");
        }
        return record;
    }

    private static void tcp(TcpHeader t) {
        range("tcp.seq", t.getSeq(), 0, U32);
        range("tcp.ack", t.getAck(), 0, U32);
        range("tcp.flags", t.getFlags(), 0, U8);
        range("tcp.dataOffset", t.getDataOffset(), 0, 60);
        range("tcp.window", t.getWindow(), 0, U16);
        range("tcp.windowScale", t.getWindowScale(), -1, U8);
        if (t.getSackMaxRightEdge() != null) {
            range("tcp.sackMaxRightEdge", t.getSackMaxRightEdge(), 0, U32);
        }
    }

    private static void udp(UdpHeader u) {
        range("udp.length", u.getLength(), 0, U16);
        range("udp.checksum", u.getChecksum(), 0, U16);
    }

    private static void icmp(IcmpHeader i) {
        range("icmp.type", i.getType(), 0, U8);
        range("icmp.code", i.getCode(), 0, U8);
        range("icmp.id", i.getId(), 0, U16);
        EmbeddedPacket q = i.getEmbedded();
        if (q == null) {
            return;
        }
        // The quoted packet's family may differ from the error's: the engine rejects that itself.
        int innerFamily = addresses("icmp.embedded.", q.getSrc(), q.getDst());
        range("icmp.embedded.protocol", q.getProtocol(), 0, U8);
        lengths("icmp.embedded.", innerFamily, q.getL3Length(), q.getL4Length(), q.getFragmentOffset());
        range("icmp.embedded.srcPort", q.getSrcPort(), 0, U16);
        range("icmp.embedded.dstPort", q.getDstPort(), 0, U16);
        range("icmp.embedded.icmpType", q.getIcmpType(), 0, U8);
        range("icmp.embedded.icmpCode", q.getIcmpCode(), 0, U8);
        range("icmp.embedded.icmpId", q.getIcmpId(), 0, U16);
        range("icmp.embedded.greVersion", q.getGreVersion(), 0, 7);
        range("icmp.embedded.greProtocol", q.getGreProtocol(), 0, U16);
        range("icmp.embedded.greCallId", q.getGreCallId(), 0, U16);
    }

    private static void gre(GreHeader g) {
        range("gre.version", g.getVersion(), 0, 7);
        range("gre.protocol", g.getProtocol(), 0, U16);
        range("gre.callId", g.getCallId(), 0, U16);
    }

    private static void sctp(SctpHeader s) {
        range("sctp.verificationTag", s.getVerificationTag(), 0, U32);
        if (s.getChunks() == null) {
            throw invalid("sctp.chunks is null");
        }
        int n = 0;
        for (SctpChunk c : s.getChunks()) {
            if (c.getType() < 0
                    || c.getType() > U8
                    || c.getFlags() < 0
                    || c.getFlags() > U8
                    || c.getInitiateTag() < 0
                    || c.getInitiateTag() > U32) {
                String at = "sctp.chunks[" + n + "].";
                range(at, "type", c.getType(), 0, U8);
                range(at, "flags", c.getFlags(), 0, U8);
                range(at, "initiateTag", c.getInitiateTag(), 0, U32);
            }
            n++;
        }
    }

    /** Checks a src/dst pair and returns the family its length means. */
    private static int addresses(String prefix, ByteBuffer src, ByteBuffer dst) {
        int s = src == null ? -1 : src.remaining(), d = dst == null ? -1 : dst.remaining();
        if (s != 4 && s != 16) {
            throw invalid(prefix + "src address has " + describe(s) + ", not 4 (IPv4) or 16 (IPv6)");
        }
        if (d != 4 && d != 16) {
            throw invalid(prefix + "dst address has " + describe(d) + ", not 4 (IPv4) or 16 (IPv6)");
        }
        if (s != d) {
            throw invalid(prefix + "src (" + s + " bytes) and dst (" + d + " bytes) are of different families");
        }
        return s == 4 ? Packet.AF_INET : Packet.AF_INET6;
    }

    private static String describe(int length) {
        return length < 0 ? "no bytes (null)" : length + " bytes";
    }

    private static void lengths(String prefix, int family, int l3, int l4, int fragmentOffset) {
        range(prefix, "l3Length", l3, 0, family == Packet.AF_INET ? MAX_IPV4_LENGTH : MAX_IPV6_LENGTH);
        range(prefix, "l4Length", l4, 0, l3);
        range(prefix, "fragmentOffset", fragmentOffset, 0, MAX_FRAGMENT_OFFSET);
    }

    private static void range(String field, long value, long min, long max) {
        range("", field, value, min, max);
    }

    /** Names are only put together on failure: this runs for every field of every packet. */
    private static void range(String prefix, String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw invalid(prefix + field + " " + value + " is outside " + min + ".." + max);
        }
    }

    private static InvalidPacketEventException invalid(String reason) {
        return new InvalidPacketEventException(reason);
    }
}
