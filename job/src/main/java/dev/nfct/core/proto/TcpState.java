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

    public int state = NONE;

    // ------------------------------------------------------------------ per-direction data
    // What is known about the packets each direction sends (the kernel's seen[0] and seen[1]):
    // field pairs here rather than two objects, so that a packet's window check reads one object
    // (the entry's TCP state) instead of three. Suffix 0 is ORIGINAL, 1 is REPLY; the accessors
    // below take the direction.

    /** Highest sequence number sent, plus one (the end of the data seen so far). */
    public long tdEnd0, tdEnd1;
    /** Highest sequence number the other side allowed this one to send (ack + window). */
    public long tdMaxend0, tdMaxend1;
    /** Largest window (scaled) this side ever advertised; 0 = nothing seen from it yet. */
    public long tdMaxwin0, tdMaxwin1;
    /** Highest ack number this side sent (valid with {@link #F_MAXACK_SET}). */
    public long tdMaxack0, tdMaxack1;
    /** Window scale shift this side uses (0..14). */
    public int tdScale0, tdScale1;
    /** The direction's {@code F_*} flags. */
    public int flags0, flags1;

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

    public long tdEnd(int dir) {
        return dir == 0 ? tdEnd0 : tdEnd1;
    }

    public void setTdEnd(int dir, long v) {
        if (dir == 0) {
            tdEnd0 = v;
        } else {
            tdEnd1 = v;
        }
    }

    public long tdMaxend(int dir) {
        return dir == 0 ? tdMaxend0 : tdMaxend1;
    }

    public void setTdMaxend(int dir, long v) {
        if (dir == 0) {
            tdMaxend0 = v;
        } else {
            tdMaxend1 = v;
        }
    }

    public long tdMaxwin(int dir) {
        return dir == 0 ? tdMaxwin0 : tdMaxwin1;
    }

    public void setTdMaxwin(int dir, long v) {
        if (dir == 0) {
            tdMaxwin0 = v;
        } else {
            tdMaxwin1 = v;
        }
    }

    public long tdMaxack(int dir) {
        return dir == 0 ? tdMaxack0 : tdMaxack1;
    }

    public void setTdMaxack(int dir, long v) {
        if (dir == 0) {
            tdMaxack0 = v;
        } else {
            tdMaxack1 = v;
        }
    }

    public int tdScale(int dir) {
        return dir == 0 ? tdScale0 : tdScale1;
    }

    public void setTdScale(int dir, int v) {
        if (dir == 0) {
            tdScale0 = v;
        } else {
            tdScale1 = v;
        }
    }

    public int flags(int dir) {
        return dir == 0 ? flags0 : flags1;
    }

    public void setFlags(int dir, int v) {
        if (dir == 0) {
            flags0 = v;
        } else {
            flags1 = v;
        }
    }

    public void addFlags(int dir, int f) {
        setFlags(dir, flags(dir) | f);
    }

    public void clearFlags(int dir, int f) {
        setFlags(dir, flags(dir) & ~f);
    }

    /** Forgets everything about direction {@code dir} except its liberal flag. */
    void resetSide(int dir) {
        setTdEnd(dir, 0);
        setTdMaxend(dir, 0);
        setTdMaxwin(dir, 0);
        setTdMaxack(dir, 0);
        setTdScale(dir, 0);
        setFlags(dir, flags(dir) & F_BE_LIBERAL);
    }

    /** One direction's data as text. */
    public String sideString(int dir) {
        return "end=" + tdEnd(dir) + " maxend=" + tdMaxend(dir) + " maxwin=" + tdMaxwin(dir)
                + " maxack=" + tdMaxack(dir) + " scale=" + tdScale(dir) + " flags=0x" + Integer.toHexString(flags(dir));
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
        c.tdEnd0 = tdEnd0;
        c.tdEnd1 = tdEnd1;
        c.tdMaxend0 = tdMaxend0;
        c.tdMaxend1 = tdMaxend1;
        c.tdMaxwin0 = tdMaxwin0;
        c.tdMaxwin1 = tdMaxwin1;
        c.tdMaxack0 = tdMaxack0;
        c.tdMaxack1 = tdMaxack1;
        c.tdScale0 = tdScale0;
        c.tdScale1 = tdScale1;
        c.flags0 = flags0;
        c.flags1 = flags1;
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
        return name(state) + " [" + sideString(0) + "] [" + sideString(1) + "] last(dir=" + lastDir + " idx=" + lastIndex
                + " seq=" + lastSeq + " ack=" + lastAck + " end=" + lastEnd + " win=" + lastWin
                + " flags=0x" + Integer.toHexString(lastFlags) + ") retrans=" + retrans;
    }
}
