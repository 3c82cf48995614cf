package dev.nfct.core;

/**
 * One IP datagram as connection tracking sees it at its entry hook: already reassembled from
 * fragments, with the L3 and L4 fields conntrack looks at already decoded.
 *
 * <p>The engine never parses raw bytes: a decoder (for captures, {@code dev.nfct.packet.PacketDecoder})
 * or a record mapper (for the Flink job) fills one of these. Instances are mutable and reusable so
 * that the hot path allocates nothing per packet; the engine does not keep a reference after a call.
 *
 * <p>Addresses are two longs each: IPv4 uses {@code lo} only (the address in the low 32 bits, {@code hi}
 * zero); IPv6 is {@code hi:lo} in network order.
 */
public final class Packet {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public static final int IPPROTO_ICMP = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    /** DCCP: no tracker of its own (the generic one), but printed with its ports (see proto.Trackers). */
    public static final int IPPROTO_DCCP = 33;

    public static final int IPPROTO_GRE = 47;
    public static final int IPPROTO_ICMPV6 = 58;
    /** IPv6 "No Next Header": the extension header chain ends with no transport header at all. */
    public static final int IPPROTO_NONE_V6 = 59;

    public static final int IPPROTO_SCTP = 132;
    public static final int IPPROTO_UDPLITE = 136;

    /** TCP flag bits as they appear in byte 13 of the TCP header. */
    public static final int TH_FIN = 0x01,
            TH_SYN = 0x02,
            TH_RST = 0x04,
            TH_PSH = 0x08,
            TH_ACK = 0x10,
            TH_URG = 0x20,
            TH_ECE = 0x40,
            TH_CWR = 0x80;

    // ---------------------------------------------------------------- L3
    /** {@link #AF_INET} or {@link #AF_INET6}. */
    public int family;

    public long srcHi, srcLo, dstHi, dstLo;
    /** Bytes the accounting extension counts: the whole (reassembled) IP datagram with its header. */
    public int l3Length;
    /** L4 protocol number (for IPv6 after walking the extension headers). */
    public int protocol;
    /**
     * True when no L4 header can be located: a non-first fragment (only possible for packets
     * embedded in ICMP errors, because defragmentation runs first) or a broken IPv6 extension chain.
     */
    public boolean l4Unreachable;

    /**
     * Whether conntrack finds no transport header to track: none can be located, or an IPv6
     * header chain ends in No Next Header (the kernel calls such a packet invalid; in IPv4, 59 is
     * just another protocol number).
     */
    public boolean noTransportHeader() {
        return l4Unreachable || (family == AF_INET6 && protocol == IPPROTO_NONE_V6);
    }
    /** IPv4 TTL / IPv6 hop limit (ICMPv6 redirects need 255). */
    public int hopLimit;

    // ---------------------------------------------------------------- L4, common
    /** Bytes of L4 header plus payload actually present in the datagram. */
    public int l4Length;
    /** False when the L4 checksum was verified and found wrong; decoders that do not verify leave it true. */
    public boolean l4ChecksumOk = true;

    /** Source/destination port (TCP, UDP, UDPLite, SCTP, DCCP). */
    public int srcPort, dstPort;

    // ---------------------------------------------------------------- TCP
    public long tcpSeq, tcpAck; // unsigned 32-bit values
    public int tcpFlags; // TH_* bits
    public int tcpDataOffset; // header length in bytes (doff * 4)
    public int tcpWindow; // raw 16-bit window
    /** Window-scale option value, or -1 when the option is absent. */
    public int tcpWscale = -1;

    public boolean tcpSackPerm;
    /**
     * The SACK value the window check uses (unsigned 32-bit), valid when {@link #tcpHasSack}: the
     * right edges of the first well-formed SACK option folded in order from the ack number, each
     * replacing the running value when it is after it modulo 2^32 (so it may precede the ack).
     */
    public long tcpSackMax;

    public boolean tcpHasSack;

    // ---------------------------------------------------------------- UDP / UDPLite
    /** UDP length field; for UDPLite the checksum-coverage field. */
    public int udpLengthField;
    /** The UDP/UDPLite checksum field as sent (0 = none for UDP; mandatory for UDPLite). */
    public int udpChecksumField;

    // ---------------------------------------------------------------- ICMP / ICMPv6
    public int icmpType, icmpCode, icmpId;
    /** For ICMP errors (and ICMPv6 redirects with a redirected-header option): the quoted packet. */
    public Packet inner;

    // ---------------------------------------------------------------- GRE
    public int greVersion;
    public int greProtocol;
    /** Version 1 (PPTP) call id. */
    public int greCallId;

    // ---------------------------------------------------------------- SCTP
    public long sctpVtag;
    /** Number of chunks decoded into the arrays below. */
    public int sctpChunkCount;

    public int[] sctpChunkType = new int[8];
    public int[] sctpChunkFlags = new int[8];
    /** Initiate tag of INIT / INIT_ACK chunks (0 for other chunk types). */
    public long[] sctpInitTag = new long[8];
    /** True when the chunk list could not be walked (truncated, zero-length chunk). */
    public boolean sctpChunksBroken;

    /** Clears every field, so a reused instance carries nothing over from the previous packet. */
    public Packet reset() {
        family = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        l3Length = 0;
        protocol = 0;
        l4Unreachable = false;
        hopLimit = 0;
        l4Length = 0;
        l4ChecksumOk = true;
        srcPort = dstPort = 0;
        tcpSeq = tcpAck = 0;
        tcpFlags = 0;
        tcpDataOffset = 0;
        tcpWindow = 0;
        tcpWscale = -1;
        tcpSackPerm = false;
        tcpSackMax = 0;
        tcpHasSack = false;
        udpLengthField = 0;
        udpChecksumField = 0;
        icmpType = icmpCode = icmpId = 0;
        inner = null;
        greVersion = greProtocol = greCallId = 0;
        sctpVtag = 0;
        sctpChunkCount = 0;
        sctpChunksBroken = false;
        return this;
    }

    /** Appends one SCTP chunk, growing the arrays when needed. */
    public void addSctpChunk(int type, int flags, long initTag) {
        if (sctpChunkCount == sctpChunkType.length) {
            int n = sctpChunkCount * 2;
            sctpChunkType = java.util.Arrays.copyOf(sctpChunkType, n);
            sctpChunkFlags = java.util.Arrays.copyOf(sctpChunkFlags, n);
            sctpInitTag = java.util.Arrays.copyOf(sctpInitTag, n);
        }
        sctpChunkType[sctpChunkCount] = type;
        sctpChunkFlags[sctpChunkCount] = flags;
        sctpInitTag[sctpChunkCount] = initTag;
        sctpChunkCount++;
    }

    /** TCP payload bytes (segment length minus header). */
    public int tcpPayloadLength() {
        return l4Length - tcpDataOffset;
    }

    public boolean isIpv6() {
        return family == AF_INET6;
    }
}
