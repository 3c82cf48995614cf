package dev.nfct.packet;

/**
 * What {@link LinkLayer} found in a frame: the IP datagram (a view into {@code buf}); or the reason
 * the frame carries no usable IP datagram and is skipped, as the replay harness skips it; or, with
 * {@code droppedByIp}, a datagram the kernel's IP layer receives and drops before conntrack sees it.
 */
public record IpSlice(byte[] buf, int offset, int length, String skipReason, boolean droppedByIp) {
    static IpSlice of(byte[] buf, int offset, int length) {
        return new IpSlice(buf, offset, length, null, false);
    }

    static IpSlice skipped(String reason) {
        return new IpSlice(null, 0, 0, reason, false);
    }

    /** A datagram the IP layer drops: it reached the host, so a replay reports it as unseen by conntrack. */
    static IpSlice dropped(String reason) {
        return new IpSlice(null, 0, 0, reason, true);
    }

    public boolean isIp() {
        return skipReason == null;
    }
}
