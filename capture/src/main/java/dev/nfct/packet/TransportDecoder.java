package dev.nfct.packet;

import dev.nfct.core.Packet;

/** Fills the port-style L4 fields of UDP/UDPLite, SCTP and GRE. */
final class TransportDecoder {
    private static final int SCTP_COMMON_HEADER = 12, SCTP_INIT = 1, SCTP_INIT_ACK = 2;

    private TransportDecoder() {}

    static void udp(byte[] b, int at, int n, Packet p) {
        ports(b, at, n, p);
        if (n >= 6) {
            p.udpLengthField = Bytes.u16(b, at + 4);
        }
        if (n >= 8) {
            p.udpChecksumField = Bytes.u16(b, at + 6);
        }
    }

    static void sctp(byte[] b, int at, int n, Packet p) {
        ports(b, at, n, p);
        if (n >= 8) {
            p.sctpVtag = Bytes.u32(b, at + 4);
        }
        int end = at + n;
        int chunk = at + SCTP_COMMON_HEADER;
        // The walk follows the kernel's (observed on 6.18): it stops where a whole chunk header
        // no longer fits, a chunk of length 0 makes the packet invalid, and a chunk claiming 1 to
        // 3 bytes moves the walk on by 4.
        while (chunk + 4 <= end) {
            int type = Bytes.u8(b, chunk);
            int length = Bytes.u16(b, chunk + 2);
            if (length == 0) {
                p.sctpChunksBroken = true;
                return;
            }
            boolean hasInitTag = (type == SCTP_INIT || type == SCTP_INIT_ACK) && chunk + 8 <= end;
            p.addSctpChunk(type, Bytes.u8(b, chunk + 1), hasInitTag ? Bytes.u32(b, chunk + 4) : 0);
            if (chunk + length > end) {
                // Its header is whole but its body runs past the packet: the kernel still takes
                // the chunk (observed on 6.18), and there is no next one to read.
                return;
            }
            chunk += (length + 3) & ~3;
        }
    }

    static void gre(byte[] b, int at, int n, Packet p) {
        if (n >= 2) {
            p.greVersion = Bytes.u8(b, at + 1) & 0x07;
        }
        if (n >= 4) {
            p.greProtocol = Bytes.u16(b, at + 2);
        }
        if (p.greVersion == 1 && n >= 8) {
            p.greCallId = Bytes.u16(b, at + 6);
        }
    }

    private static void ports(byte[] b, int at, int n, Packet p) {
        if (n >= 4) {
            p.srcPort = Bytes.u16(b, at);
            p.dstPort = Bytes.u16(b, at + 2);
        }
    }
}
