package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.ProtoState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Binary form of the trackers' per-entry data, for {@link dev.nfct.core.ConnCodec}: the TCP data
 * a {@link TcpConn} holds inline, or the state object other trackers keep in {@link Conn#proto}.
 * Each is written after a one-byte kind, so entries of every protocol can share one state type.
 */
public final class ProtoStateCodec {
    private static final int TCP = 1, SCTP = 2, GRE = 3;

    private ProtoStateCodec() {}

    /** Whether the entry has tracker data to write. */
    public static boolean hasData(Conn ct) {
        return ct instanceof TcpConn || ct.proto != null;
    }

    /** Writes the entry's tracker data (only when {@link #hasData}). */
    public static void write(Conn ct, DataOutput out) throws IOException {
        if (ct instanceof TcpConn) {
            out.writeByte(TCP);
            TcpStateCodec.write((TcpConn) ct, out);
        } else {
            write(ct.proto, out);
        }
    }

    /** Reads tracker data written by {@link #write} into an entry made by {@link Trackers#newEntry}. */
    public static void read(DataInput in, Conn ct) throws IOException {
        int kind = in.readUnsignedByte();
        if (kind == TCP) {
            if (!(ct instanceof TcpConn)) {
                throw new IOException("TCP tracker data for an entry of protocol " + ct.protocol());
            }
            TcpStateCodec.read(in, (TcpConn) ct);
        } else {
            ct.proto = read(kind, in);
        }
    }

    /** Copies the tracker data of {@code from} into {@code to}, an entry made by {@link Trackers#newEntry}. */
    public static void copy(Conn from, Conn to) {
        if (from instanceof TcpConn) {
            ((TcpConn) to).copyTcpFrom((TcpConn) from);
        }
        to.proto = from.proto == null ? null : from.proto.copy();
    }

    private static void write(ProtoState s, DataOutput out) throws IOException {
        if (s instanceof SctpState) {
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
            throw new IOException(
                    "no binary form for tracker state " + s.getClass().getName());
        }
    }

    private static ProtoState read(int kind, DataInput in) throws IOException {
        switch (kind) {
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
