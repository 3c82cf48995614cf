package dev.nfct.pcap;

/**
 * One packet record of a capture file, in file order.
 *
 * @param number          1-based position among all packet records of the file (the frame number
 *                        Wireshark and the reference traces use)
 * @param timestampNanos  capture time in nanoseconds since the epoch
 * @param linkType        DLT/LINKTYPE of the interface the packet was captured on
 * @param data            the captured bytes (possibly fewer than {@code originalLength})
 * @param originalLength  length of the packet on the wire
 */
public record PcapFrame(int number, long timestampNanos, int linkType, byte[] data, int originalLength) {}
