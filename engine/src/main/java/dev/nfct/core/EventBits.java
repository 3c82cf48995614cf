package dev.nfct.core;

/** Event-cache bits (the kernel's IPCT_* numbering). An event message carries a set of them. */
public final class EventBits {
    public static final int NEW = 1;
    public static final int RELATED = 1 << 1;
    public static final int DESTROY = 1 << 2;
    public static final int REPLY = 1 << 3;
    public static final int ASSURED = 1 << 4;
    public static final int PROTOINFO = 1 << 5;
    public static final int HELPER = 1 << 6;
    public static final int MARK = 1 << 7;
    public static final int SEQADJ = 1 << 8;
    public static final int SECMARK = 1 << 9;
    public static final int LABEL = 1 << 10;
    public static final int SYNPROXY = 1 << 11;

    private EventBits() {}
}
