package dev.nfct.flink.state;

import dev.nfct.core.ConnCodec;
import dev.nfct.core.CtInfo;
import dev.nfct.core.proto.Trackers;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link PendingEntry}. The first byte holds the ct info (its ordinal, under
 * 16) and two flags in its top bits, {@link PendingEntry#fromLocalOut} and
 * {@link PendingEntry#sentOut}; state written before the flags existed reads as neither.
 */
public final class PendingEntrySerializer extends TypeSerializerSingleton<PendingEntry> {
    private static final long serialVersionUID = 1L;
    private static final int FROM_LOCAL_OUT = 0x40, SENT_OUT = 0x80, CTINFO_BITS = 0x3f;
    public static final PendingEntrySerializer INSTANCE = new PendingEntrySerializer();
    private static final CtInfo[] CTINFOS = CtInfo.values();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public PendingEntry createInstance() {
        return null;
    }

    @Override
    public PendingEntry copy(PendingEntry from) {
        if (from == null || from.unconfirmed == null) {
            return from; // nothing mutable inside
        }
        return new PendingEntry(
                from.ctinfo,
                from.fromLocalOut,
                from.sentOut,
                ConnCodec.copy(from.unconfirmed, Trackers.ENTRY_TYPES),
                null,
                from.deadline);
    }

    @Override
    public PendingEntry copy(PendingEntry from, PendingEntry reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(PendingEntry p, DataOutputView out) throws IOException {
        out.writeByte(p.ctinfo.ordinal() | (p.fromLocalOut ? FROM_LOCAL_OUT : 0) | (p.sentOut ? SENT_OUT : 0));
        out.writeLong(p.deadline);
        out.writeBoolean(p.unconfirmed != null);
        if (p.unconfirmed != null) {
            ConnCodec.writeConn(p.unconfirmed, Trackers.ENTRY_TYPES, out);
        } else {
            ConnCodec.writeTuple(p.confirmedOrig, out);
        }
    }

    @Override
    public PendingEntry deserialize(DataInputView in) throws IOException {
        int first = in.readUnsignedByte();
        CtInfo ctinfo = CTINFOS[first & CTINFO_BITS];
        boolean local = (first & FROM_LOCAL_OUT) != 0, out = (first & SENT_OUT) != 0;
        long deadline = in.readLong();
        if (in.readBoolean()) {
            return new PendingEntry(ctinfo, local, out, ConnCodec.readConn(in, Trackers.ENTRY_TYPES), null, deadline);
        }
        return new PendingEntry(ctinfo, local, out, null, ConnCodec.readTuple(in), deadline);
    }

    @Override
    public PendingEntry deserialize(PendingEntry reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<PendingEntry> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer from checkpoints and savepoints. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<PendingEntry> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
