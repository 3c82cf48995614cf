package dev.nfct.packet;

/** The IPv4 header checksum, recomputed when a reassembled header is rewritten. */
final class Ipv4Checksum {
    private Ipv4Checksum() {}

    static int of(byte[] b, int at, int length) {
        return ~Checksums.fold(Checksums.sum(b, at, length)) & 0xFFFF;
    }
}
