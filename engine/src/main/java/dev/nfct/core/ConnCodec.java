package dev.nfct.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A compact binary form of tuples and entries, for state backends and checkpoints. Versioned: the
 * first byte of an entry is the format version, so a later layout can still read older state.
 * What a protocol's entries hold beyond the common fields is their tracker's business: the
 * {@link EntryTypes} passed in says, per protocol, which class an entry is and how its tracker data
 * is written.
 */
public final class ConnCodec {
    /** Layout of {@link #writeConn}; bump when it changes and keep reading the old ones. */
    public static final int VERSION = 1;

    private static final int HAS_ACCT = 1, HAS_TSTAMP = 2, HAS_ECACHE = 4, HAS_PROTO = 8;

    private ConnCodec() {}

    public static void writeTuple(Tuple t, DataOutput out) throws IOException {
        out.writeByte(t.family);
        out.writeByte(t.protocol);
        if (t.family == Packet.AF_INET6) {
            out.writeLong(t.srcHi);
            out.writeLong(t.srcLo);
            out.writeLong(t.dstHi);
            out.writeLong(t.dstLo);
        } else {
            out.writeInt((int) t.srcLo);
            out.writeInt((int) t.dstLo);
        }
        out.writeShort(t.srcU);
        out.writeShort(t.dstU);
        out.writeShort(t.zone);
    }

    public static Tuple readTuple(DataInput in) throws IOException {
        int family = in.readUnsignedByte();
        int protocol = in.readUnsignedByte();
        long srcHi = 0, srcLo, dstHi = 0, dstLo;
        if (family == Packet.AF_INET6) {
            srcHi = in.readLong();
            srcLo = in.readLong();
            dstHi = in.readLong();
            dstLo = in.readLong();
        } else {
            srcLo = in.readInt() & 0xffffffffL;
            dstLo = in.readInt() & 0xffffffffL;
        }
        int srcU = in.readUnsignedShort();
        int dstU = in.readUnsignedShort();
        int zone = in.readUnsignedShort();
        return new Tuple(family, protocol, srcHi, srcLo, dstHi, dstLo, srcU, dstU, zone);
    }

    public static void writeConn(Conn ct, EntryTypes types, DataOutput out) throws IOException {
        EntryType type = types.of(ct.protocol());
        out.writeByte(VERSION);
        writeTuple(ct.orig, out);
        writeTuple(ct.reply, out);
        out.writeInt(ct.id);
        out.writeInt(ct.mark);
        out.writeInt(ct.status);
        out.writeLong(ct.timeout);
        out.writeLong(type.headerWord(ct));
        int flags = (ct.acct != null ? HAS_ACCT : 0)
                | (ct.hasTimestamp ? HAS_TSTAMP : 0)
                | (ct.hasEcache ? HAS_ECACHE : 0)
                | (type.hasData(ct) ? HAS_PROTO : 0);
        out.writeByte(flags);
        if (ct.acct != null) {
            for (long v : ct.acct) {
                out.writeLong(v);
            }
        }
        if (ct.hasTimestamp) {
            out.writeLong(ct.start);
            out.writeLong(ct.stop);
        }
        if (ct.hasEcache) {
            out.writeInt(ct.ecache);
        }
        if ((flags & HAS_PROTO) != 0) {
            out.writeByte(type.dataKind());
            type.writeData(ct, out);
        }
    }

    public static Conn readConn(DataInput in, EntryTypes types) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException(
                    "unknown conntrack entry format version " + version + " (this build reads " + VERSION + ")");
        }
        Tuple orig = readTuple(in);
        Tuple reply = readTuple(in);
        int id = in.readInt();
        int mark = in.readInt();
        int status = in.readInt();
        long timeout = in.readLong();
        long headerWord = in.readLong();
        int flags = in.readUnsignedByte();
        EntryType type = types.of(orig.protocol);
        Conn ct = type.newEntry(
                orig, reply, id, mark, (flags & HAS_ACCT) != 0, (flags & HAS_TSTAMP) != 0, (flags & HAS_ECACHE) != 0);
        ct.status = status;
        ct.timeout = timeout;
        type.setHeaderWord(ct, headerWord);
        if (ct.acct != null) {
            for (int i = 0; i < 4; i++) {
                ct.acct[i] = in.readLong();
            }
        }
        if (ct.hasTimestamp) {
            ct.start = in.readLong();
            ct.stop = in.readLong();
        }
        if (ct.hasEcache) {
            ct.ecache = in.readInt();
        }
        if ((flags & HAS_PROTO) != 0) {
            int kind = in.readUnsignedByte();
            if (kind != type.dataKind()) {
                throw new IOException("tracker data of kind " + kind + " for an entry of protocol " + orig.protocol
                        + " (whose kind is " + type.dataKind() + ")");
            }
            type.readData(ct, in);
        }
        return ct;
    }

    /** A deep copy through the codec's own fields (for copy-on-write state backends). */
    public static Conn copy(Conn ct, EntryTypes types) {
        EntryType type = types.of(ct.protocol());
        Conn c = type.newEntry(ct.orig, ct.reply, ct.id, ct.mark, ct.acct != null, ct.hasTimestamp, ct.hasEcache);
        c.status = ct.status;
        c.timeout = ct.timeout;
        if (ct.acct != null) {
            System.arraycopy(ct.acct, 0, c.acct, 0, 4);
        }
        c.start = ct.start;
        c.stop = ct.stop;
        c.ecache = ct.ecache;
        type.copyData(ct, c);
        return c;
    }
}
