package dev.nfct.packet;

/**
 * What {@link LinkLayer} found in a frame: either the IP datagram (a view into {@code buf}) or the
 * reason the frame carries no usable IP datagram and is skipped, as the replay harness skips it.
 */
public record IpSlice(byte[] buf, int offset, int length, String skipReason) {
    static IpSlice of(byte[] buf, int offset, int length) {
        return new IpSlice(buf, offset, length, null);
    }

    static IpSlice skipped(String reason) {
        return new IpSlice(null, 0, 0, reason);
    }

    public boolean isIp() {
        return skipReason == null;
    }
}
