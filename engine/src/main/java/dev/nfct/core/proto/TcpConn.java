package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.EntryType;
import dev.nfct.core.Tuple;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A TCP entry: the connection with its TCP tracking data inline, as the kernel's {@code nf_conn}
 * carries the TCP member of its protocol union. The data is the connection state, what is known
 * about each direction's sequence space and window, and a memory of the last packet that went
 * through (for retransmission counting, resynchronisation after ignored packets and RST checks).
 *
 * <p>Why a subclass and not a separate state object: an established packet reads the entry and
 * then its TCP data. With the data in an object of its own, its address is only known once the
 * entry's reference to it has arrived from memory, so on a table larger than the caches every
 * packet waited for two misses in a row. In one object both are fetched at once
 * (docs/PERFORMANCE.md has the measurements).
 */
public final class TcpConn extends Conn {
    private static final long U32 = 0xffffffffL;
    static final int DATA_KIND = 1;

    static final EntryType TYPE = new EntryType.Base(DATA_KIND, TcpConn::new) {
        @Override
        public boolean hasData(Conn ct) {
            return true;
        }

        @Override
        public void writeData(Conn ct, DataOutput out) throws IOException {
            TcpStateCodec.write((TcpConn) ct, out);
        }

        @Override
        public void readData(Conn ct, DataInput in) throws IOException {
            TcpStateCodec.read(in, (TcpConn) ct);
        }

        @Override
        public void copyData(Conn from, Conn to) {
            ((TcpConn) to).copyTcpFrom((TcpConn) from);
        }
    };

    /** The connection state, one of {@link TcpState}'s. */
    public int state = TcpState.NONE;

    // ------------------------------------------------------------------ per-direction data
    // What is known about the packets each direction sends (the kernel's seen[0] and seen[1]):
    // field pairs rather than two objects. Suffix 0 is ORIGINAL, 1 is REPLY; the accessors below
    // take the direction. Sequence numbers, ends and windows are unsigned 32-bit values: they are
    // stored in ints (half the room of longs, so the entry spans fewer cache lines) and read
    // through the accessors as longs in [0, 2^32), so the arithmetic never sees a sign.

    /** Highest sequence number sent, plus one (the end of the data seen so far). */
    private int tdEnd0, tdEnd1;
    /** Highest sequence number the other side allowed this one to send (ack + window). */
    private int tdMaxend0, tdMaxend1;
    /** Largest window (scaled) this side ever advertised; 0 = nothing seen from it yet. */
    private int tdMaxwin0, tdMaxwin1;
    /** Highest ack number this side sent (valid with {@link TcpState#F_MAXACK_SET}). */
    private int tdMaxack0, tdMaxack1;
    /** Window scale shift this side uses (0..14). */
    public int tdScale0, tdScale1;
    /** The direction's {@code F_*} flags. */
    public int flags0, flags1;

    public int lastDir;
    /** Packet class of the last packet remembered (see {@link TcpTables}); starts as "none". */
    public int lastIndex = TcpTables.C_NONE;

    private int lastSeq;
    private int lastAck;
    private int lastEnd;
    /** Raw (unscaled) window of the last packet remembered. */
    public int lastWin;

    public int lastWscale;
    public int lastFlags;
    /** How many times in a row the same ACK-class segment was seen. */
    public int retrans;

    public TcpConn(Tuple orig, Tuple reply, int id, int mark, boolean acct, boolean timestamp, boolean ecache) {
        super(orig, reply, id, mark, acct, timestamp, ecache);
    }

    public long lastSeq() {
        return lastSeq & U32;
    }

    public void setLastSeq(long v) {
        lastSeq = (int) v;
    }

    public long lastAck() {
        return lastAck & U32;
    }

    public void setLastAck(long v) {
        lastAck = (int) v;
    }

    public long lastEnd() {
        return lastEnd & U32;
    }

    public void setLastEnd(long v) {
        lastEnd = (int) v;
    }

    public long tdEnd(int dir) {
        return (dir == 0 ? tdEnd0 : tdEnd1) & U32;
    }

    public void setTdEnd(int dir, long v) {
        if (dir == 0) {
            tdEnd0 = (int) v;
        } else {
            tdEnd1 = (int) v;
        }
    }

    public long tdMaxend(int dir) {
        return (dir == 0 ? tdMaxend0 : tdMaxend1) & U32;
    }

    public void setTdMaxend(int dir, long v) {
        if (dir == 0) {
            tdMaxend0 = (int) v;
        } else {
            tdMaxend1 = (int) v;
        }
    }

    public long tdMaxwin(int dir) {
        return (dir == 0 ? tdMaxwin0 : tdMaxwin1) & U32;
    }

    public void setTdMaxwin(int dir, long v) {
        if (dir == 0) {
            tdMaxwin0 = (int) v;
        } else {
            tdMaxwin1 = (int) v;
        }
    }

    public long tdMaxack(int dir) {
        return (dir == 0 ? tdMaxack0 : tdMaxack1) & U32;
    }

    public void setTdMaxack(int dir, long v) {
        if (dir == 0) {
            tdMaxack0 = (int) v;
        } else {
            tdMaxack1 = (int) v;
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
        setFlags(dir, flags(dir) & TcpState.F_BE_LIBERAL);
    }

    /** One direction's data as text. */
    public String sideString(int dir) {
        return "end=" + tdEnd(dir) + " maxend=" + tdMaxend(dir) + " maxwin=" + tdMaxwin(dir) + " maxack="
                + tdMaxack(dir) + " scale=" + tdScale(dir) + " flags=0x" + Integer.toHexString(flags(dir));
    }

    /** Copies every TCP field of {@code o} into this entry (for a deep copy of an entry). */
    void copyTcpFrom(TcpConn o) {
        TcpConn c = this;
        c.state = o.state;
        c.tdEnd0 = o.tdEnd0;
        c.tdEnd1 = o.tdEnd1;
        c.tdMaxend0 = o.tdMaxend0;
        c.tdMaxend1 = o.tdMaxend1;
        c.tdMaxwin0 = o.tdMaxwin0;
        c.tdMaxwin1 = o.tdMaxwin1;
        c.tdMaxack0 = o.tdMaxack0;
        c.tdMaxack1 = o.tdMaxack1;
        c.tdScale0 = o.tdScale0;
        c.tdScale1 = o.tdScale1;
        c.flags0 = o.flags0;
        c.flags1 = o.flags1;
        c.lastDir = o.lastDir;
        c.lastIndex = o.lastIndex;
        c.lastSeq = o.lastSeq;
        c.lastAck = o.lastAck;
        c.lastEnd = o.lastEnd;
        c.lastWin = o.lastWin;
        c.lastWscale = o.lastWscale;
        c.lastFlags = o.lastFlags;
        c.retrans = o.retrans;
    }

    /** The TCP data alone, as text (for diagnostics and tests). */
    public String tcpString() {
        return TcpState.name(state) + " [" + sideString(0) + "] [" + sideString(1) + "] last(dir=" + lastDir + " idx="
                + lastIndex
                + " seq=" + lastSeq() + " ack=" + lastAck() + " end=" + lastEnd() + " win=" + lastWin
                + " flags=0x" + Integer.toHexString(lastFlags) + ") retrans=" + retrans;
    }

    @Override
    public String toString() {
        return super.toString() + " " + tcpString();
    }
}
