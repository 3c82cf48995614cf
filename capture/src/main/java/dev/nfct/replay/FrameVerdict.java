package dev.nfct.replay;

/**
 * What conntrack made of one frame of a capture, as the reference harness's per-packet trace
 * writes it: {@code FRAME STATE DIRECTION}. Besides the ctinfo states, {@code frag} marks a fragment
 * that was merged into another frame's datagram and {@code unseen} one whose datagram never completed.
 */
public record FrameVerdict(int frame, String state, String direction) {
    public String line() {
        return frame + " " + state + " " + direction;
    }
}
