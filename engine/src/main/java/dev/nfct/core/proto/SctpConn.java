package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.EntryType;
import dev.nfct.core.Tuple;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * An SCTP entry: the association state as conntrack sees it ({@link SctpState}) and the
 * verification tags expected on packets in each direction.
 *
 * <p>{@code vtag[d]} is the tag a packet travelling in direction {@code d} must carry: the
 * initiate tag its receiver announced (learnt from the INIT / INIT_ACK sent the other way). Zero
 * means "not learnt yet". {@code initSeen[d]} says an INIT came from direction {@code d} (both set:
 * an INIT collision). {@code restartTag} is no longer used; it stays in the stored form so that
 * entries written before keep their layout.
 */
public final class SctpConn extends Conn {
    static final int DATA_KIND = 2;

    static final EntryType TYPE = new EntryType.Base(DATA_KIND, SctpConn::new) {
        @Override
        public boolean hasData(Conn ct) {
            return ((SctpConn) ct).tracked;
        }

        @Override
        public void writeData(Conn ct, DataOutput out) throws IOException {
            SctpConn st = (SctpConn) ct;
            out.writeByte(st.state);
            for (int d = 0; d < 2; d++) {
                out.writeInt((int) st.vtag[d]);
                out.writeInt((int) st.restartTag[d]);
                out.writeBoolean(st.initSeen[d]);
            }
        }

        @Override
        public void readData(Conn ct, DataInput in) throws IOException {
            SctpConn st = (SctpConn) ct;
            st.tracked = true;
            st.state = in.readUnsignedByte();
            for (int d = 0; d < 2; d++) {
                st.vtag[d] = in.readInt() & 0xffffffffL;
                st.restartTag[d] = in.readInt() & 0xffffffffL;
                st.initSeen[d] = in.readBoolean();
            }
        }

        @Override
        public void copyData(Conn from, Conn to) {
            SctpConn f = (SctpConn) from, t = (SctpConn) to;
            t.tracked = f.tracked;
            t.state = f.state;
            for (int d = 0; d < 2; d++) {
                t.vtag[d] = f.vtag[d];
                t.restartTag[d] = f.restartTag[d];
                t.initSeen[d] = f.initSeen[d];
            }
        }
    };

    /** Whether the tracker took the entry on (its first packet was fit to create one). */
    boolean tracked;

    /** One of {@link SctpState}'s states. */
    public int state = SctpState.NONE;

    public final long[] vtag = new long[2];
    final long[] restartTag = new long[2];
    final boolean[] initSeen = new boolean[2];

    SctpConn(Tuple orig, Tuple reply, int id, int mark, boolean acct, boolean timestamp, boolean ecache) {
        super(orig, reply, id, mark, acct, timestamp, ecache);
    }
}
