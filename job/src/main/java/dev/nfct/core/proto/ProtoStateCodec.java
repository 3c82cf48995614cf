package dev.nfct.core.proto;

import dev.nfct.core.ProtoState;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Binary form of the trackers' private states, for {@link dev.nfct.core.ConnCodec}. Each state
 * is written after a one-byte kind, so entries of every protocol can share one state type.
 */
public final class ProtoStateCodec {
    private static final int TCP = 1, SCTP = 2, GRE = 3;

    private ProtoStateCodec() {
    }

    public static void write(ProtoState s, DataOutput out) throws IOException {
        if (s instanceof TcpState) {
            out.writeByte(TCP);
            TcpStateCodec.write((TcpState) s, out);
        } else if (s instanceof SctpState) {
            SctpState st = (SctpState) s;
            out.writeByte(SCTP);
            out.writeByte(st.state);
            for (int d = 0; d < 2; d++) {
                out.writeInt((int) st.vtag[d]);
                out.writeInt((int) st.restartTag[d]);
                out.writeBoolean(st.restartPending[d]);
            }
        } else if (s instanceof GreTracker.GreState) {
            GreTracker.GreState st = (GreTracker.GreState) s;
            out.writeByte(GRE);
            out.writeInt(st.timeout);
            out.writeInt(st.streamTimeout);
        } else {
            throw new IOException("no binary form for tracker state " + s.getClass().getName());
        }
    }

    public static ProtoState read(DataInput in) throws IOException {
        int kind = in.readUnsignedByte();
        switch (kind) {
            case TCP:
                return TcpStateCodec.read(in);
            case SCTP: {
                SctpState st = new SctpState();
                st.state = in.readUnsignedByte();
                for (int d = 0; d < 2; d++) {
                    st.vtag[d] = in.readInt() & 0xffffffffL;
                    st.restartTag[d] = in.readInt() & 0xffffffffL;
                    st.restartPending[d] = in.readBoolean();
                }
                return st;
            }
            case GRE:
                return new GreTracker.GreState(in.readInt(), in.readInt());
            default:
                throw new IOException("unknown tracker state kind " + kind);
        }
    }
}
