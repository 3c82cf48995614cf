package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.EntryType;
import dev.nfct.core.Tuple;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A GRE entry: its own timeouts, copied from the settings on its first packet, so that later sysctl
 * changes do not affect it (a PPTP helper could raise them).
 */
public final class GreConn extends Conn {
    static final int DATA_KIND = 3;

    static final EntryType TYPE = new EntryType.Base(DATA_KIND, GreConn::new) {
        @Override
        public boolean hasData(Conn ct) {
            return ((GreConn) ct).hasTimeouts;
        }

        @Override
        public void writeData(Conn ct, DataOutput out) throws IOException {
            GreConn g = (GreConn) ct;
            out.writeInt(g.greTimeout);
            out.writeInt(g.greStreamTimeout);
        }

        @Override
        public void readData(Conn ct, DataInput in) throws IOException {
            ((GreConn) ct).setTimeouts(in.readInt(), in.readInt());
        }

        @Override
        public void copyData(Conn from, Conn to) {
            GreConn f = (GreConn) from;
            if (f.hasTimeouts) {
                ((GreConn) to).setTimeouts(f.greTimeout, f.greStreamTimeout);
            }
        }
    };

    /** Whether the timeouts below were set (on the first packet, or read back). */
    boolean hasTimeouts;

    /** Seconds without packets until the entry expires, before and after traffic went both ways. */
    int greTimeout;

    int greStreamTimeout;

    GreConn(Tuple orig, Tuple reply, int id, int mark, boolean acct, boolean timestamp, boolean ecache) {
        super(orig, reply, id, mark, acct, timestamp, ecache);
    }

    void setTimeouts(int timeout, int streamTimeout) {
        this.greTimeout = timeout;
        this.greStreamTimeout = streamTimeout;
        this.hasTimeouts = true;
    }
}
