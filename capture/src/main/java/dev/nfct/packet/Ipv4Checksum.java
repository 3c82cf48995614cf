package dev.nfct.packet;

/** The IPv4 header checksum, recomputed when a reassembled header is rewritten. */
final class Ipv4Checksum {
    private Ipv4Checksum() {}

    static int of(byte[] b, int at, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += Bytes.u16(b, at + i);
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
