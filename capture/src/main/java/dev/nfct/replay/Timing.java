package dev.nfct.replay;

/** Which clock a capture replay runs on. */
public enum Timing {
    /**
     * As a top-speed replay into the kernel: packets keep their order but arrive within a blink,
     * so the whole capture runs at the first packet's time. Nothing expires and nothing
     * time-dependent (UDP's two-second stream rule) triggers.
     */
    TOP,
    /** The capture's own timestamps: timeouts expire (DESTROY at the deadline) and time rules apply. */
    CAPTURE;

    public static Timing parse(String s) {
        switch (s) {
            case "top":
                return TOP;
            case "capture":
                return CAPTURE;
            default:
                throw new IllegalArgumentException("--timing must be 'top' or 'capture', not '" + s + "'");
        }
    }
}
