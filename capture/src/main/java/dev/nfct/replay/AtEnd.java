package dev.nfct.replay;

/** What happens to the entries still alive when a capture ends. */
public enum AtEnd {
    /** Leave them, as in the kernel right after a replay (the default). */
    KEEP,
    /** Let time run out: every entry expires at its deadline, each with its DESTROY. */
    EXPIRE,
    /** Delete them all at the end of the capture, as {@code conntrack -F} would. */
    FLUSH;

    public static AtEnd parse(String s) {
        switch (s) {
            case "keep":
                return KEEP;
            case "expire":
                return EXPIRE;
            case "flush":
                return FLUSH;
            default:
                throw new IllegalArgumentException("--at-end must be keep, expire or flush, not '" + s + "'");
        }
    }
}
