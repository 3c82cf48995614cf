package dev.nfct.cli;

import java.util.Arrays;

/**
 * An address or CIDR prefix given on the command line ({@code 192.0.2.1}, {@code 10.0.0.0/8},
 * {@code 2001:db8::/32}), and the test whether an address as {@code conntrack} prints it (the text
 * of a {@code FlowTuple}) lies in it.
 *
 * <p>Literals only, parsed by hand: {@link java.net.InetAddress#getByName} would resolve anything
 * that is not a literal through DNS, once per record.
 */
final class IpPrefix {
    final int family;
    private final byte[] bytes;
    final int bits;

    private IpPrefix(int family, byte[] bytes, int bits) {
        this.family = family;
        this.bytes = bytes;
        this.bits = bits;
    }

    /**
     * {@code ADDR} (all bits) or {@code ADDR/LEN}. Bits of the address beyond the prefix length are
     * ignored ({@code 192.0.2.7/24} is {@code 192.0.2.0/24}), as the kernel's masks do.
     *
     * @throws IllegalArgumentException if it is not an IPv4 or IPv6 literal with a valid length
     */
    static IpPrefix parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] b = address(addr);
        if (b == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address"
                    + " (literal addresses only, optionally with a /prefix length)");
        }
        int max = b.length * 8;
        int bits = max;
        if (slash >= 0) {
            String len = s.substring(slash + 1);
            if (len.isEmpty()
                    || len.length() > 3
                    || !len.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (bits = Integer.parseInt(len)) > max) {
                throw new IllegalArgumentException("'" + text + "': the prefix length must be 0 to " + max);
            }
        }
        return new IpPrefix(b.length == 4 ? 2 : 10, b, bits);
    }

    /** Whether {@code addressText} (of an event of {@code family}, 2 or 10) lies in this prefix. */
    boolean matches(int family, String addressText) {
        if (family != this.family || addressText == null) {
            return false;
        }
        byte[] a = address(addressText);
        return a != null && a.length == bytes.length && inPrefix(a);
    }

    private boolean inPrefix(byte[] a) {
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != bytes[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (bytes[full] & mask);
    }

    @Override
    public String toString() {
        return Arrays.toString(bytes) + "/" + bits;
    }

    /** 4 or 16 bytes, or null when {@code s} is not an IPv4 or IPv6 literal. */
    static byte[] address(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        return s.indexOf(':') >= 0 ? ipv6(s) : ipv4(s);
    }

    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = octet(parts[i]);
            if (v < 0) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    private static int octet(String p) {
        if (p.isEmpty() || p.length() > 3) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v > 255 ? -1 : v;
    }

    private static byte[] ipv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null; // two gaps, or ":::"
        }
        int[] head = words(gap < 0 ? s : s.substring(0, gap), gap < 0);
        int[] tail = gap < 0 ? new int[0] : words(s.substring(gap + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int n = head.length + tail.length;
        if (gap < 0 ? n != 8 : n > 7) {
            return null;
        }
        byte[] b = new byte[16];
        for (int i = 0; i < head.length; i++) {
            put(b, i, head[i]);
        }
        for (int i = 0; i < tail.length; i++) {
            put(b, 8 - tail.length + i, tail[i]);
        }
        return b;
    }

    private static void put(byte[] b, int word, int v) {
        b[2 * word] = (byte) (v >>> 8);
        b[2 * word + 1] = (byte) v;
    }

    /** The 16-bit words of a run of groups; a dotted quad may end it when {@code v4Tail}. */
    private static int[] words(String run, boolean v4Tail) {
        if (run.isEmpty()) {
            return new int[0];
        }
        String[] groups = run.split(":", -1);
        int[] w = new int[groups.length + 1];
        int n = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (g.indexOf('.') >= 0) {
                byte[] v4 = v4Tail && i == groups.length - 1 ? ipv4(g) : null;
                if (v4 == null) {
                    return null;
                }
                w[n++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                w[n++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
                continue;
            }
            if (g.isEmpty() || g.length() > 4) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < g.length(); k++) {
                char c = g.charAt(k);
                int d = c >= '0' && c <= '9'
                        ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0) {
                    return null;
                }
                v = v << 4 | d;
            }
            w[n++] = v;
        }
        return Arrays.copyOf(w, n);
    }
}
