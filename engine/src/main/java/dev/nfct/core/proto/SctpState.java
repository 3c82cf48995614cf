package dev.nfct.core.proto;

import dev.nfct.core.ProtoState;

/**
 * Per-entry SCTP state: the association state as conntrack sees it and the verification tags
 * expected on packets in each direction.
 *
 * <p>{@code vtag[d]} is the tag a packet travelling in direction {@code d} must carry: the
 * initiate tag its receiver announced (learnt from the INIT / INIT_ACK sent the other way).
 * Zero means "not learnt yet". {@code restartTag[d]} holds the tag an INIT seen on an already
 * set-up association announced, until an INIT_ACK confirms the restart.
 */
public final class SctpState implements ProtoState {
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

    public int state = NONE;
    public final long[] vtag = new long[2];
    final long[] restartTag = new long[2];
    final boolean[] restartPending = new boolean[2];

    public static String name(int state) {
        return state >= 0 && state < NAMES.length ? NAMES[state] : "UNKNOWN";
    }

    @Override
    public String stateName() {
        return name(state);
    }

    @Override
    public SctpState copy() {
        SctpState c = new SctpState();
        c.state = state;
        c.vtag[0] = vtag[0];
        c.vtag[1] = vtag[1];
        c.restartTag[0] = restartTag[0];
        c.restartTag[1] = restartTag[1];
        c.restartPending[0] = restartPending[0];
        c.restartPending[1] = restartPending[1];
        return c;
    }

    @Override
    public String toString() {
        return stateName() + " vtag=" + Long.toHexString(vtag[0]) + "/" + Long.toHexString(vtag[1]);
    }
}
