package dev.nfct.packet;

import dev.nfct.core.Packet;

/**
 * One datagram as conntrack sees it during a capture replay.
 *
 * @param frameNumber    the frame it is attributed to (for a reassembled datagram: its offset-0 fragment)
 * @param absorbedFrames the other fragment frames merged into it, ascending (the reference trace
 *                       reports them as {@code frag}); empty when it was not fragmented
 * @param timestampNanos capture time of the frame that completed it, i.e. when conntrack sees it
 * @param packet         the decoded datagram; a fresh instance per item
 * @param droppedBeforeConfirm the kernel drops it after conntrack saw it and before the confirm
 *                       (a reassembled IPv6 datagram whose now-first hop-by-hop header it refuses):
 *                       it gets a ct state, but leaves no entry and no event
 */
public record CapturedDatagram(
        int frameNumber, int[] absorbedFrames, long timestampNanos, Packet packet, boolean droppedBeforeConfirm) {
    public CapturedDatagram(int frameNumber, int[] absorbedFrames, long timestampNanos, Packet packet) {
        this(frameNumber, absorbedFrames, timestampNanos, packet, false);
    }
}
