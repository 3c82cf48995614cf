package dev.nfct.schema;

import dev.nfct.avro.EmbeddedPacket;
import dev.nfct.avro.GreHeader;
import dev.nfct.avro.Hook;
import dev.nfct.avro.IcmpHeader;
import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.PacketVerdict;
import dev.nfct.avro.SctpChunk;
import dev.nfct.avro.SctpHeader;
import dev.nfct.avro.TcpHeader;
import dev.nfct.avro.UdpHeader;
import dev.nfct.core.Packet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps between the job's input record ({@code PacketEvent}) and the engine's {@link Packet}.
 *
 * <p>{@link #toPacket} is on the per-packet path of the job: it validates, then fills a reused
 * {@link Packet} without allocating (except for the quoted packet of an ICMP error).
 * {@link #fromPacket} is the other direction, for producers that decode packets (captures): it carries
 * every field the engine reads, so that {@code toPacket(fromPacket(p))} gives the engine the
 * same packet the capture decoder gave it.
 */
public final class PacketEvents {
    /**
     * The fragment offset written for a datagram whose L4 header cannot be located. The decoder
     * does not keep the real offset (for a broken IPv6 extension chain there is none); any non-zero
     * value means "no L4 header" to {@link #toPacket}, and 8 is the smallest real one.
     */
    static final int NO_L4_FRAGMENT_OFFSET = 8;

    private PacketEvents() {}

    /**
     * Fills {@code out} (reset first) from {@code e}. The family follows from the address length;
     * a non-zero fragment offset means no L4 header ({@link Packet#l4Unreachable}); only the header
     * record of the packet's own protocol is read (others are ignored).
     *
     * @throws InvalidPacketEventException with the reason, when {@code e} breaks the contract
     */
    public static void toPacket(PacketEvent e, Packet out) {
        PacketEventChecks.check(e);
        addressing(e, out);
        out.hopLimit = e.getTtl();
        // The kernel checks checksums only for packets entering at PRE_ROUTING (a packet entering
        // at LOCAL_OUT is its own host's, never checked).
        out.l4ChecksumOk = e.getChecksumOk() || e.getHook() != Hook.PRE_ROUTING;
        if (out.l4Unreachable) {
            return;
        }
        switch (out.protocol) {
            case Packet.IPPROTO_TCP -> tcp(e.getTcp(), out);
            case Packet.IPPROTO_UDP, Packet.IPPROTO_UDPLITE -> {
                out.udpLengthField = e.getUdp().getLength();
                out.udpChecksumField = e.getUdp().getChecksum();
            }
            case Packet.IPPROTO_ICMP, Packet.IPPROTO_ICMPV6 -> icmp(e.getIcmp(), out, null);
            case Packet.IPPROTO_GRE -> {
                out.greVersion = e.getGre().getVersion();
                out.greProtocol = e.getGre().getProtocol();
                out.greCallId = e.getGre().getCallId();
            }
            case Packet.IPPROTO_SCTP -> sctp(e.getSctp(), out);
            default -> {
                // Generic protocols: addresses and protocol number are all the engine uses.
            }
        }
    }

    /**
     * The part of {@link #toPacket} that a flow key is made of, for keying a record without the
     * rest: validates {@code e} exactly as {@code toPacket} does (same exceptions), then fills
     * family, addresses, protocol, lengths, {@code l4Unreachable}, ports and, for ICMP/ICMPv6 with
     * an L4 header, type, code, id and the quoted packet, each with the value {@code toPacket}
     * gives it. The quoted packet goes into {@code inner} (reset and reused) instead of a new
     * {@link Packet}; every other field of {@code out} is left reset.
     *
     * @throws InvalidPacketEventException with the reason, when {@code e} breaks the contract
     */
    public static void toKeyPacket(PacketEvent e, Packet out, Packet inner) {
        PacketEventChecks.check(e);
        addressing(e, out);
        if (!out.l4Unreachable && (out.protocol == Packet.IPPROTO_ICMP || out.protocol == Packet.IPPROTO_ICMPV6)) {
            icmp(e.getIcmp(), out, inner);
        }
    }

    /** Resets {@code out}, then fills the L3 fields and the ports (set even without an L4 header). */
    private static void addressing(PacketEvent e, Packet out) {
        out.reset();
        ip(out, e.getSrc(), e.getDst(), e.getProtocol(), e.getL3Length(), e.getL4Length(), e.getFragmentOffset());
        out.srcPort = e.getSrcPort();
        out.dstPort = e.getDstPort();
    }

    private static void ip(Packet p, ByteBuffer src, ByteBuffer dst, int protocol, int l3, int l4, int fragOffset) {
        if (src.remaining() == 4) {
            p.family = Packet.AF_INET;
            p.srcLo = word(src, 0, 4);
            p.dstLo = word(dst, 0, 4);
        } else {
            p.family = Packet.AF_INET6;
            p.srcHi = word(src, 0, 8);
            p.srcLo = word(src, 8, 8);
            p.dstHi = word(dst, 0, 8);
            p.dstLo = word(dst, 8, 8);
        }
        p.protocol = protocol;
        p.l3Length = l3;
        p.l4Length = l4;
        p.l4Unreachable = fragOffset != 0;
    }

    /** {@code n} bytes big-endian from the buffer's position + {@code at}, whatever the buffer's byte order. */
    private static long word(ByteBuffer b, int at, int n) {
        int base = b.position() + at;
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | (b.get(base + i) & 0xffL);
        }
        return v;
    }

    private static void tcp(TcpHeader t, Packet p) {
        p.tcpSeq = t.getSeq();
        p.tcpAck = t.getAck();
        p.tcpFlags = t.getFlags();
        p.tcpDataOffset = t.getDataOffset();
        p.tcpWindow = t.getWindow();
        p.tcpWscale = t.getWindowScale();
        p.tcpSackPerm = t.getSackPermitted();
        Long sack = t.getSackMaxRightEdge();
        p.tcpHasSack = sack != null;
        p.tcpSackMax = sack != null ? sack : 0;
    }

    /** @param reuse the packet to fill with the quoted one (reset first), or null for a new one */
    private static void icmp(IcmpHeader i, Packet p, Packet reuse) {
        p.icmpType = i.getType();
        p.icmpCode = i.getCode();
        p.icmpId = i.getId();
        EmbeddedPacket q = i.getEmbedded();
        if (q != null) {
            Packet inner = reuse != null ? reuse.reset() : new Packet();
            ip(inner, q.getSrc(), q.getDst(), q.getProtocol(), q.getL3Length(), q.getL4Length(), q.getFragmentOffset());
            inner.srcPort = q.getSrcPort();
            inner.dstPort = q.getDstPort();
            inner.icmpType = q.getIcmpType();
            inner.icmpCode = q.getIcmpCode();
            inner.icmpId = q.getIcmpId();
            inner.greVersion = q.getGreVersion();
            inner.greProtocol = q.getGreProtocol();
            inner.greCallId = q.getGreCallId();
            p.inner = inner;
        }
    }

    private static void sctp(SctpHeader s, Packet p) {
        p.sctpVtag = s.getVerificationTag();
        p.sctpChunksBroken = s.getChunksMalformed();
        List<SctpChunk> chunks = s.getChunks();
        for (int i = 0, n = chunks.size(); i < n; i++) {
            SctpChunk c = chunks.get(i);
            p.addSctpChunk(c.getType(), c.getFlags(), c.getInitiateTag());
        }
    }

    // ------------------------------------------------------------------ from a capture

    /**
     * A single-observation record for a decoded packet (a captured datagram): seen once (entry and confirm back to
     * back), at PRE_ROUTING, zone 0, no verdict known.
     */
    public static PacketEvent fromPacket(Packet p, String host, long packetId, long timestampNs) {
        PacketEvent e = new PacketEvent();
        e.setHost(host);
        e.setZone(0);
        e.setHook(Hook.PRE_ROUTING);
        e.setSeenOnce(true);
        e.setPacketId(packetId);
        e.setTimestampNs(timestampNs);
        e.setVerdict(PacketVerdict.UNSPECIFIED);
        e.setSrc(address(p.family, p.srcHi, p.srcLo));
        e.setDst(address(p.family, p.dstHi, p.dstLo));
        e.setL3Length(p.l3Length);
        e.setTtl(p.hopLimit);
        e.setFragmentOffset(p.l4Unreachable ? NO_L4_FRAGMENT_OFFSET : 0);
        e.setProtocol(p.protocol);
        e.setL4Length(p.l4Length);
        e.setSrcPort(p.srcPort);
        e.setDstPort(p.dstPort);
        e.setChecksumOk(p.l4ChecksumOk);
        if (!p.l4Unreachable) {
            switch (p.protocol) {
                case Packet.IPPROTO_TCP -> e.setTcp(tcp(p));
                case Packet.IPPROTO_UDP, Packet.IPPROTO_UDPLITE ->
                    e.setUdp(new UdpHeader(p.udpLengthField, p.udpChecksumField));
                case Packet.IPPROTO_ICMP, Packet.IPPROTO_ICMPV6 ->
                    e.setIcmp(new IcmpHeader(p.icmpType, p.icmpCode, p.icmpId, embedded(p.inner)));
                case Packet.IPPROTO_GRE -> e.setGre(new GreHeader(p.greVersion, p.greProtocol, p.greCallId));
                case Packet.IPPROTO_SCTP -> e.setSctp(sctp(p));
                default -> {}
            }
        }
        return e;
    }

    private static ByteBuffer address(int family, long hi, long lo) {
        if (family == Packet.AF_INET6) {
            return ByteBuffer.allocate(16).putLong(hi).putLong(lo).flip();
        }
        return ByteBuffer.allocate(4).putInt((int) lo).flip();
    }

    private static TcpHeader tcp(Packet p) {
        return new TcpHeader(
                p.tcpSeq,
                p.tcpAck,
                p.tcpFlags,
                p.tcpDataOffset,
                p.tcpWindow,
                p.tcpWscale,
                p.tcpSackPerm,
                p.tcpHasSack ? p.tcpSackMax : null);
    }

    private static SctpHeader sctp(Packet p) {
        List<SctpChunk> chunks = new ArrayList<>(p.sctpChunkCount);
        for (int i = 0; i < p.sctpChunkCount; i++) {
            chunks.add(new SctpChunk(p.sctpChunkType[i], p.sctpChunkFlags[i], p.sctpInitTag[i]));
        }
        return new SctpHeader(p.sctpVtag, chunks, p.sctpChunksBroken);
    }

    /**
     * The quoted packet, with what the engine reads of it (addresses, protocol, lengths, the words
     * that make its tuple). Its TCP sequence numbers, UDP fields and so on are not in the contract:
     * the engine only builds the quoted tuple from it.
     */
    private static EmbeddedPacket embedded(Packet q) {
        if (q == null) {
            return null;
        }
        return new EmbeddedPacket(
                address(q.family, q.srcHi, q.srcLo),
                address(q.family, q.dstHi, q.dstLo),
                q.protocol,
                q.l3Length,
                q.l4Length,
                q.l4Unreachable ? NO_L4_FRAGMENT_OFFSET : 0,
                q.srcPort,
                q.dstPort,
                q.icmpType,
                q.icmpCode,
                q.icmpId,
                q.greVersion,
                q.greProtocol,
                q.greCallId);
    }
}
