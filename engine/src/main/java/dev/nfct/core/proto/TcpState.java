package dev.nfct.core.proto;

/**
 * The TCP connection states (numbered as in the kernel's uapi, which {@code conntrack} prints)
 * and the per-direction flags of the window tracking. The per-entry data itself is in
 * {@link TcpConn}.
 */
public final class TcpState {
    // ------------------------------------------------------------------ states (uapi values)
    public static final int NONE = 0;
    public static final int SYN_SENT = 1;
    public static final int SYN_RECV = 2;
    public static final int ESTABLISHED = 3;
    public static final int FIN_WAIT = 4;
    public static final int CLOSE_WAIT = 5;
    public static final int LAST_ACK = 6;
    public static final int TIME_WAIT = 7;
    public static final int CLOSE = 8;
    /** Shares the number of the old LISTEN state. */
    public static final int SYN_SENT2 = 9;
    /** Number of real states. */
    public static final int STATES = 10;

    private static final String[] NAMES = {
        "NONE",
        "SYN_SENT",
        "SYN_RECV",
        "ESTABLISHED",
        "FIN_WAIT",
        "CLOSE_WAIT",
        "LAST_ACK",
        "TIME_WAIT",
        "CLOSE",
        "SYN_SENT2"
    };

    // ------------------------------------------------------------------ per-direction flags
    public static final int F_WINDOW_SCALE = 0x01;
    public static final int F_SACK_PERM = 0x02;
    public static final int F_CLOSE_INIT = 0x04;
    public static final int F_BE_LIBERAL = 0x08;
    public static final int F_DATA_UNACKNOWLEDGED = 0x10;
    public static final int F_MAXACK_SET = 0x20;
    /** Only in {@link TcpConn#lastFlags}: an ignored SYN in LAST_ACK may draw an RFC 5961 challenge ACK. */
    public static final int F_EXP_CHALLENGE_ACK = 0x40;
    /** Only in {@link TcpConn#lastFlags}: both sides sent a SYN (simultaneous open). */
    public static final int F_SIMULTANEOUS_OPEN = 0x80;

    private TcpState() {}

    public static String name(int state) {
        return state >= 0 && state < NAMES.length ? NAMES[state] : "UNKNOWN";
    }
}
