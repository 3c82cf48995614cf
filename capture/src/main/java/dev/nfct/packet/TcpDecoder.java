package dev.nfct.packet;

import dev.nfct.core.Packet;

/** Fills the TCP fields of a {@link Packet}, including the options connection tracking looks at. */
final class TcpDecoder {
    private static final int OPT_END = 0, OPT_NOP = 1, OPT_WSCALE = 3, OPT_SACK_PERM = 4, OPT_SACK = 5;

    private TcpDecoder() {}

    /** Decodes as much of the header as the {@code n} available bytes hold; the engine judges validity. */
    static void decode(byte[] b, int at, int n, Packet p) {
        if (n >= 4) {
            p.srcPort = Bytes.u16(b, at);
            p.dstPort = Bytes.u16(b, at + 2);
        }
        if (n >= 8) {
            p.tcpSeq = Bytes.u32(b, at + 4);
        }
        if (n >= 12) {
            p.tcpAck = Bytes.u32(b, at + 8);
        }
        if (n >= 14) {
            p.tcpDataOffset = (Bytes.u8(b, at + 12) >>> 4) * 4;
            p.tcpFlags = Bytes.u8(b, at + 13);
        }
        if (n >= 16) {
            p.tcpWindow = Bytes.u16(b, at + 14);
        }
        if (p.tcpDataOffset > 20 && n > 20) {
            options(b, at + 20, at + Math.min(p.tcpDataOffset, n), p);
        }
    }

    /** Walks the option list; a malformed option ends the walk, keeping what was already parsed. */
    private static void options(byte[] b, int at, int end, Packet p) {
        while (at < end) {
            int kind = Bytes.u8(b, at);
            if (kind == OPT_END) {
                return;
            }
            if (kind == OPT_NOP) {
                at++;
                continue;
            }
            if (at + 1 >= end) {
                return;
            }
            int len = Bytes.u8(b, at + 1);
            if (len < 2 || at + len > end) {
                return;
            }
            if (kind == OPT_WSCALE && len == 3) {
                p.tcpWscale = Bytes.u8(b, at + 2);
            } else if (kind == OPT_SACK_PERM && len == 2) {
                p.tcpSackPerm = true;
            } else if (kind == OPT_SACK && len >= 10 && (len - 2) % 8 == 0 && !p.tcpHasSack) {
                sackFold(b, at + 2, at + len, p); // only the first well-formed SACK option counts
            }
            at += len;
        }
    }

    /**
     * Folds the right edges of one SACK option's blocks, in order, into a running value that
     * starts at the ack number: an edge replaces the value when it is after it modulo 2^32.
     * This is what the kernel's window check uses as "sack" (verified on 6.18): the order of
     * the blocks matters and the result is not a maximum, because "after" is not transitive
     * across 2^31 (edges ack+2^31-1 then ack+2^31+100 end ~2^31 behind the ack). Left edges
     * are not looked at. Malformed SACK options (length not 10, 18, 26 or 34) are skipped;
     * SACK options after the first well-formed one are ignored.
     */
    private static void sackFold(byte[] b, int at, int end, Packet p) {
        long v = p.tcpAck & 0xffffffffL;
        for (; at < end; at += 8) {
            long right = Bytes.u32(b, at + 4);
            if ((int) (v - right) < 0) {
                v = right;
            }
        }
        p.tcpSackMax = v;
        p.tcpHasSack = true;
    }
}
