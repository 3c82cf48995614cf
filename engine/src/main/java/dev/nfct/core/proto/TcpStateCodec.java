package dev.nfct.core.proto;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Binary form of a {@link TcpConn}'s TCP data: every field, in declaration order. */
final class TcpStateCodec {
    private TcpStateCodec() {}

    static void write(TcpConn st, DataOutput out) throws IOException {
        out.writeByte(st.state);
        writeSide(st, 0, out);
        writeSide(st, 1, out);
        out.writeByte(st.lastDir);
        out.writeByte(st.lastIndex);
        out.writeInt((int) st.lastSeq());
        out.writeInt((int) st.lastAck());
        out.writeInt((int) st.lastEnd());
        out.writeInt(st.lastWin);
        out.writeByte(st.lastWscale);
        out.writeInt(st.lastFlags);
        out.writeInt(st.retrans);
    }

    static void read(DataInput in, TcpConn st) throws IOException {
        st.state = in.readUnsignedByte();
        readSide(st, 0, in);
        readSide(st, 1, in);
        st.lastDir = in.readUnsignedByte();
        st.lastIndex = in.readUnsignedByte();
        st.setLastSeq(in.readInt());
        st.setLastAck(in.readInt());
        st.setLastEnd(in.readInt());
        st.lastWin = in.readInt();
        st.lastWscale = in.readByte();
        st.lastFlags = in.readInt();
        st.retrans = in.readInt();
    }

    private static void writeSide(TcpConn st, int d, DataOutput out) throws IOException {
        out.writeInt((int) st.tdEnd(d));
        out.writeInt((int) st.tdMaxend(d));
        // A long, as the first format had it (the value is an unsigned 32-bit number).
        out.writeLong(st.tdMaxwin(d));
        out.writeInt((int) st.tdMaxack(d));
        out.writeByte(st.tdScale(d));
        out.writeInt(st.flags(d));
    }

    private static void readSide(TcpConn st, int d, DataInput in) throws IOException {
        st.setTdEnd(d, in.readInt());
        st.setTdMaxend(d, in.readInt());
        st.setTdMaxwin(d, in.readLong());
        st.setTdMaxack(d, in.readInt());
        st.setTdScale(d, in.readUnsignedByte());
        st.setFlags(d, in.readInt());
    }
}
