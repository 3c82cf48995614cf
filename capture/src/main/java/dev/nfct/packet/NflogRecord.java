package dev.nfct.packet;

import java.nio.charset.StandardCharsets;

/**
 * One record of a {@code LINKTYPE_NFLOG} capture (what {@code tcpdump -i nflog:N} writes): the
 * netfilter hook the packet was logged at, its mark, the log rule's prefix and the packet itself.
 *
 * <p>The record is the NFLOG netlink message's body: a 4-byte header (address family, version,
 * group) and attributes, each a 2-byte length and 2-byte type in the byte order of the machine
 * that wrote them, then the value (numbers in network order), padded to 4 bytes. The byte order
 * is recognised from the first attribute, whose length and type are small numbers.
 */
public record NflogRecord(int family, int hook, long mark, String prefix, byte[] payload) {
    private static final int PACKET_HDR = 1, MARK = 2, PAYLOAD = 9, PREFIX = 10;
    /** Hook unknown: the record had no packet header attribute. */
    public static final int NO_HOOK = -1;

    /** @throws IllegalArgumentException for a record that is not NFLOG's layout */
    public static NflogRecord parse(byte[] rec) {
        if (rec.length < 8) {
            throw new IllegalArgumentException("NFLOG record of " + rec.length + " bytes");
        }
        int family = rec[0] & 0xff;
        boolean little = (rec[4] & 0xff) != 0 && rec[5] == 0; // a length under 256, low byte first
        int hook = NO_HOOK;
        long mark = 0;
        String prefix = "";
        byte[] payload = null;
        int at = 4;
        while (at + 4 <= rec.length) {
            int len = little ? u16le(rec, at) : u16be(rec, at);
            int type = (little ? u16le(rec, at + 2) : u16be(rec, at + 2)) & 0x7fff;
            if (len < 4 || at + len > rec.length) {
                throw new IllegalArgumentException("NFLOG attribute of length " + len + " at offset " + at
                        + " in a record of " + rec.length + " bytes");
            }
            int v = at + 4, vlen = len - 4;
            switch (type) {
                case PACKET_HDR -> hook = vlen >= 3 ? rec[v + 2] & 0xff : NO_HOOK;
                case MARK -> mark = vlen >= 4 ? u32be(rec, v) : 0;
                case PREFIX -> prefix = cString(rec, v, vlen);
                case PAYLOAD -> payload = java.util.Arrays.copyOfRange(rec, v, v + vlen);
                default -> {}
            }
            at += (len + 3) & ~3;
        }
        return new NflogRecord(family, hook, mark, prefix, payload);
    }

    private static String cString(byte[] b, int at, int len) {
        int end = at;
        while (end < at + len && b[end] != 0) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.US_ASCII);
    }

    private static int u16le(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static int u16be(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static long u32be(byte[] b, int at) {
        return ((long) u16be(b, at) << 16) | u16be(b, at + 2);
    }
}
