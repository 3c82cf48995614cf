package dev.nfct.core.proto;

/** The SCTP association states as conntrack names them (an {@link SctpConn} is in one). */
public final class SctpState {
    public static final int NONE = 0;
    public static final int CLOSED = 1;
    public static final int COOKIE_WAIT = 2;
    public static final int COOKIE_ECHOED = 3;
    public static final int ESTABLISHED = 4;
    public static final int SHUTDOWN_SENT = 5;
    public static final int SHUTDOWN_RECD = 6;
    public static final int SHUTDOWN_ACK_SENT = 7;
    public static final int HEARTBEAT_SENT = 8;
    /** Has a name (and a place in the table) but no transition leads to it any more. */
    public static final int HEARTBEAT_ACKED = 9;

    private static final String[] NAMES = {
        "NONE",
        "CLOSED",
        "COOKIE_WAIT",
        "COOKIE_ECHOED",
        "ESTABLISHED",
        "SHUTDOWN_SENT",
        "SHUTDOWN_RECD",
        "SHUTDOWN_ACK_SENT",
        "HEARTBEAT_SENT",
        "HEARTBEAT_ACKED",
    };

    public static String name(int state) {
        return state >= 0 && state < NAMES.length ? NAMES[state] : "UNKNOWN";
    }

    private SctpState() {}
}
