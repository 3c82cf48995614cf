package dev.nfct.core.proto;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Binary form of {@link TcpState}: every field, in declaration order. */
final class TcpStateCodec {
    private TcpStateCodec() {
    }

    static void write(TcpState st, DataOutput out) throws IOException {
        out.writeByte(st.state);
        writeSide(st.seen0, out);
        writeSide(st.seen1, out);
        out.writeByte(st.lastDir);
        out.writeByte(st.lastIndex);
        out.writeInt((int) st.lastSeq);
        out.writeInt((int) st.lastAck);
        out.writeInt((int) st.lastEnd);
        out.writeInt(st.lastWin);
        out.writeByte(st.lastWscale);
        out.writeInt(st.lastFlags);
        out.writeInt(st.retrans);
    }

    static TcpState read(DataInput in) throws IOException {
        TcpState st = new TcpState();
        st.state = in.readUnsignedByte();
        readSide(st.seen0, in);
        readSide(st.seen1, in);
        st.lastDir = in.readUnsignedByte();
        st.lastIndex = in.readUnsignedByte();
        st.lastSeq = in.readInt() & 0xffffffffL;
        st.lastAck = in.readInt() & 0xffffffffL;
        st.lastEnd = in.readInt() & 0xffffffffL;
        st.lastWin = in.readInt();
        st.lastWscale = in.readByte();
        st.lastFlags = in.readInt();
        st.retrans = in.readInt();
        return st;
    }

    private static void writeSide(TcpState.Side s, DataOutput out) throws IOException {
        out.writeInt((int) s.tdEnd);
        out.writeInt((int) s.tdMaxend);
        // The largest window can exceed 32 bits once scaled and grown: keep all of it.
        out.writeLong(s.tdMaxwin);
        out.writeInt((int) s.tdMaxack);
        out.writeByte(s.tdScale);
        out.writeInt(s.flags);
    }

    private static void readSide(TcpState.Side s, DataInput in) throws IOException {
        s.tdEnd = in.readInt() & 0xffffffffL;
        s.tdMaxend = in.readInt() & 0xffffffffL;
        s.tdMaxwin = in.readLong();
        s.tdMaxack = in.readInt() & 0xffffffffL;
        s.tdScale = in.readUnsignedByte();
        s.flags = in.readInt();
    }
}
