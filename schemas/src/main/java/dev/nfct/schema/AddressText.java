package dev.nfct.schema;

import dev.nfct.core.Packet;

/**
 * Parses the address text of {@code FlowTuple}s (as {@code conntrack} prints it: dotted quad,
 * RFC 5952 IPv6 with {@code ::} and a dotted-quad tail) back into the engine's hi/lo longs.
 *
 * <p>Written by hand because {@link java.net.InetAddress#getByName} resolves anything that does
 * not look like a literal through DNS, which a streaming job must never do per record.
 */
final class AddressText {
    private AddressText() {}

    /** {hi, lo} as in {@link Packet}: IPv4 in the low 32 bits of lo. */
    static long[] parse(String text, int family) {
        if (text == null) {
            throw bad(text, "null address");
        }
        if (family == Packet.AF_INET6) {
            return ipv6(text);
        }
        return new long[] {0, ipv4(text, 0, text.length()) & 0xffff_ffffL};
    }

    private static int ipv4(String s, int from, int to) {
        int value = 0, parts = 0, i = from;
        while (true) {
            int start = i, octet = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                octet = octet * 10 + (s.charAt(i++) - '0');
            }
            if (i == start || octet > 255) {
                throw bad(s, "bad IPv4 octet");
            }
            value = value << 8 | octet;
            if (++parts == 4) {
                break;
            }
            if (i >= to || s.charAt(i++) != '.') {
                throw bad(s, "IPv4 address needs 4 dotted octets");
            }
        }
        if (i != to) {
            throw bad(s, "trailing characters");
        }
        return value;
    }

    private static long[] ipv6(String s) {
        int[] w = new int[8];
        int n = 0, gap = -1, i = 0, len = s.length();
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
        }
        while (i < len) {
            int end = i;
            while (end < len && s.charAt(end) != ':') {
                end++;
            }
            if (end < len || s.indexOf('.', i) < 0) {
                w[slot(s, n++)] = hexWord(s, i, end);
            } else {
                // dotted-quad tail: the last two words
                int v4 = ipv4(s, i, end);
                w[slot(s, n++)] = v4 >>> 16;
                w[slot(s, n++)] = v4 & 0xffff;
            }
            if (end == len) {
                i = end;
                break;
            }
            if (end + 1 < len && s.charAt(end + 1) == ':') {
                if (gap >= 0) {
                    throw bad(s, "more than one '::'");
                }
                gap = n;
                i = end + 2;
            } else if (end + 1 == len) {
                throw bad(s, "ends in a single ':'");
            } else {
                i = end + 1;
            }
        }
        if (gap < 0 && n != 8 || gap >= 0 && n > 7) {
            throw bad(s, "IPv6 address needs 8 words, or fewer with '::'");
        }
        int[] full = new int[8];
        if (gap < 0) {
            full = w;
        } else {
            int tail = n - gap;
            System.arraycopy(w, 0, full, 0, gap);
            System.arraycopy(w, gap, full, 8 - tail, tail);
        }
        long hi = 0, lo = 0;
        for (int k = 0; k < 4; k++) {
            hi = hi << 16 | full[k];
            lo = lo << 16 | full[k + 4];
        }
        return new long[] {hi, lo};
    }

    private static int slot(String s, int n) {
        if (n >= 8) {
            throw bad(s, "more than 8 IPv6 words");
        }
        return n;
    }

    private static int hexWord(String s, int from, int to) {
        if (to == from || to - from > 4) {
            throw bad(s, "IPv6 words have 1 to 4 hex digits");
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                throw bad(s, "not a hex digit: '" + s.charAt(i) + "'");
            }
            v = v << 4 | d;
        }
        return v;
    }

    private static IllegalArgumentException bad(String s, String why) {
        return new IllegalArgumentException("cannot parse address \"" + s + "\": " + why);
    }
}
