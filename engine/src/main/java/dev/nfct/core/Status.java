package dev.nfct.core;

/** Status bits of an entry, with the kernel's bit numbers (they are visible through ctnetlink). */
public final class Status {
    public static final int EXPECTED = 1;
    public static final int SEEN_REPLY = 1 << 1;
    public static final int ASSURED = 1 << 2;
    public static final int CONFIRMED = 1 << 3;
    public static final int SRC_NAT = 1 << 4;
    public static final int DST_NAT = 1 << 5;
    public static final int SEQ_ADJUST = 1 << 6;
    public static final int SRC_NAT_DONE = 1 << 7;
    public static final int DST_NAT_DONE = 1 << 8;
    public static final int DYING = 1 << 9;
    public static final int FIXED_TIMEOUT = 1 << 10;
    public static final int TEMPLATE = 1 << 11;
    /** Bit 12: in the kernel, marks the loser of a NAT clash that was inserted by its reply tuple. */
    public static final int NAT_CLASH = 1 << 12;

    public static final int HELPER = 1 << 13;
    public static final int OFFLOAD = 1 << 14;
    public static final int HW_OFFLOAD = 1 << 15;

    private Status() {}
}
