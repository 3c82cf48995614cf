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
 */
public record CapturedDatagram(int frameNumber, int[] absorbedFrames, long timestampNanos, Packet packet) {}
