package dev.nfct.core;

/**
 * What a packet is tagged with after the entry hook: the kernel's {@code ctinfo} values, plus
 * {@link #INVALID} for "no entry attached" (the kernel has no value for it; nft calls it invalid).
 */
public enum CtInfo {
    ESTABLISHED(0, "established", false),
    RELATED(1, "related", false),
    NEW(2, "new", false),
    ESTABLISHED_REPLY(3, "established", true),
    RELATED_REPLY(4, "related", true),
    UNTRACKED(7, "untracked", false),
    INVALID(-1, "invalid", false);

    /** The kernel's numeric value (-1 for INVALID, which has none). */
    public final int value;
    /** The name nft's {@code ct state} uses. */
    public final String stateName;

    public final boolean reply;

    CtInfo(int value, String stateName, boolean reply) {
        this.value = value;
        this.stateName = stateName;
        this.reply = reply;
    }

    /** {@code original} or {@code reply}; {@code -} when no entry is attached. */
    public String directionName() {
        if (this == INVALID || this == UNTRACKED) {
            return "-";
        }
        return reply ? "reply" : "original";
    }

    /** 0 for the ORIGINAL direction, 1 for REPLY. */
    public int dir() {
        return reply ? 1 : 0;
    }
}
