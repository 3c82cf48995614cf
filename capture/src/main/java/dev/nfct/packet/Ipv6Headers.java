package dev.nfct.packet;

/** IPv6 extension header numbers and lengths, shared by the defragmenter and the decoder. */
final class Ipv6Headers {
    static final int HOP_BY_HOP = 0,
            ROUTING = 43,
            FRAGMENT = 44,
            AUTH = 51,
            DEST_OPTIONS = 60,
            MOBILITY = 135,
            HIP = 139,
            SHIM6 = 140;

    private Ipv6Headers() {}

    static boolean isExtension(int nextHeader) {
        return switch (nextHeader) {
            case HOP_BY_HOP, ROUTING, FRAGMENT, AUTH, DEST_OPTIONS, MOBILITY, HIP, SHIM6 -> true;
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
