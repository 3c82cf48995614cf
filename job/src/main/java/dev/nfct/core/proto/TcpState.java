package dev.nfct.core.proto;

import dev.nfct.core.ProtoState;

/**
 * Per-entry TCP tracking data: the connection state, what is known about each direction's
 * sequence space and window, and a memory of the last packet that went through (used for
 * retransmission counting, resynchronisation after ignored packets and RST validation).
 *
 * <p>Sequence numbers, ends and windows are unsigned 32-bit values held in {@code long}s and
 * always kept within {@code [0, 2^32)}.
 */
public final class TcpState implements ProtoState {
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
        "NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK",
        "TIME_WAIT", "CLOSE", "SYN_SENT2"
    };

    // ------------------------------------------------------------------ per-direction flags
    public static final int F_WINDOW_SCALE = 0x01;
    public static final int F_SACK_PERM = 0x02;
    public static final int F_CLOSE_INIT = 0x04;
    public static final int F_BE_LIBERAL = 0x08;
    public static final int F_DATA_UNACKNOWLEDGED = 0x10;
    public static final int F_MAXACK_SET = 0x20;
    /** Only in {@link #lastFlags}: an ignored SYN in LAST_ACK may draw an RFC 5961 challenge ACK. */
    public static final int F_EXP_CHALLENGE_ACK = 0x40;
    /** Only in {@link #lastFlags}: both sides sent a SYN (simultaneous open). */
    public static final int F_SIMULTANEOUS_OPEN = 0x80;

    /** What is known about the packets one direction sends. */
    public static final class Side {
        /** Highest sequence number sent, plus one (the end of the data seen so far). */
        public long tdEnd;
        /** Highest sequence number the other side allowed this one to send (ack + window). */
        public long tdMaxend;
        /** Largest window (scaled) this side ever advertised; 0 = nothing seen from it yet. */
        public long tdMaxwin;
        /** Highest ack number this side sent (valid with {@link #F_MAXACK_SET}). */
        public long tdMaxack;
        /** Window scale shift this side uses (0..14). */
        public int tdScale;
        public int flags;

        void copyFrom(Side o) {
            tdEnd = o.tdEnd;
            tdMaxend = o.tdMaxend;
            tdMaxwin = o.tdMaxwin;
            tdMaxack = o.tdMaxack;
            tdScale = o.tdScale;
            flags = o.flags;
        }

        /** Forgets everything except the liberal flag. */
        void reset() {
            tdEnd = tdMaxend = tdMaxwin = tdMaxack = 0;
            tdScale = 0;
            flags &= F_BE_LIBERAL;
        }

        @Override
        public String toString() {
            return "end=" + tdEnd + " maxend=" + tdMaxend + " maxwin=" + tdMaxwin + " maxack=" + tdMaxack
                    + " scale=" + tdScale + " flags=0x" + Integer.toHexString(flags);
        }
    }

    public int state = NONE;
    /** Direction 0 (ORIGINAL) and 1 (REPLY). */
    public final Side seen0 = new Side();
    public final Side seen1 = new Side();

    public int lastDir;
    /** Packet class of the last packet remembered (see {@link TcpTables}); starts as "none". */
    public int lastIndex = TcpTables.C_NONE;
    public long lastSeq;
    public long lastAck;
    public long lastEnd;
    /** Raw (unscaled) window of the last packet remembered. */
    public int lastWin;
    public int lastWscale;
    public int lastFlags;
    /** How many times in a row the same ACK-class segment was seen. */
    public int retrans;

    public Side seen(int dir) {
        return dir == 0 ? seen0 : seen1;
    }

    public static String name(int state) {
        return state >= 0 && state < NAMES.length ? NAMES[state] : "UNKNOWN";
    }

    @Override
    public String stateName() {
        return name(state);
    }

    @Override
    public TcpState copy() {
        TcpState c = new TcpState();
        c.state = state;
        c.seen0.copyFrom(seen0);
        c.seen1.copyFrom(seen1);
        c.lastDir = lastDir;
        c.lastIndex = lastIndex;
        c.lastSeq = lastSeq;
        c.lastAck = lastAck;
        c.lastEnd = lastEnd;
        c.lastWin = lastWin;
        c.lastWscale = lastWscale;
        c.lastFlags = lastFlags;
        c.retrans = retrans;
        return c;
    }

    @Override
    public String toString() {
        return name(state) + " [" + seen0 + "] [" + seen1 + "] last(dir=" + lastDir + " idx=" + lastIndex
                + " seq=" + lastSeq + " ack=" + lastAck + " end=" + lastEnd + " win=" + lastWin
                + " flags=0x" + Integer.toHexString(lastFlags) + ") retrans=" + retrans;
    }
}
