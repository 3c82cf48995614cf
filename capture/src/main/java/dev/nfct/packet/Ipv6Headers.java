package dev.nfct.packet;

/**
 * The IPv6 extension headers conntrack and defragmentation walk past, and their lengths; shared by
 * the defragmenter and the decoder.
 *
 * <p>Only hop-by-hop, routing, fragment, authentication and destination options are walked. The
 * mobility (135), HIP (139) and shim6 (140) headers are not: the kernel takes such a number as the
 * packet's protocol and tracks it generically (observed on 6.18 with the kernel runner).
 */
final class Ipv6Headers {
    static final int HOP_BY_HOP = 0, ROUTING = 43, FRAGMENT = 44, AUTH = 51, DEST_OPTIONS = 60;

    private Ipv6Headers() {}

    static boolean isExtension(int nextHeader) {
        return switch (nextHeader) {
            case HOP_BY_HOP, ROUTING, FRAGMENT, AUTH, DEST_OPTIONS -> true;
            default -> false;
        };
    }

    /**
     * Length in bytes of the extension header starting at {@code at}, or -1 when its length bytes
     * are not within {@code end}.
     */
    static int length(int nextHeader, byte[] b, int at, int end) {
        if (nextHeader == FRAGMENT) {
            return 8;
        }
        if (at + 2 > end) {
            return -1;
        }
        int units = b[at + 1] & 0xff;
        // AH counts 4-byte words minus two; the others count 8-byte units beyond the first.
        return nextHeader == AUTH ? (units + 2) * 4 : (units + 1) * 8;
    }
}
