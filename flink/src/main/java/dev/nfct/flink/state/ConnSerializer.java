package dev.nfct.flink.state;

import dev.nfct.core.Conn;
import dev.nfct.core.ConnCodec;
import dev.nfct.core.proto.Trackers;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of a connection entry, tracker state included. The layout is
 * {@link ConnCodec}'s, which carries its own format version, so this serializer stays
 * compatible with older state as long as the codec reads older versions.
 */
public final class ConnSerializer extends TypeSerializerSingleton<Conn> {
    private static final long serialVersionUID = 1L;
    public static final ConnSerializer INSTANCE = new ConnSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Conn createInstance() {
        return null;
    }

    @Override
    public Conn copy(Conn from) {
        return from == null ? null : ConnCodec.copy(from, Trackers.ENTRY_TYPES);
    }

    @Override
    public Conn copy(Conn from, Conn reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Conn ct, DataOutputView out) throws IOException {
        ConnCodec.writeConn(ct, Trackers.ENTRY_TYPES, out);
    }

    @Override
    public Conn deserialize(DataInputView in) throws IOException {
        return ConnCodec.readConn(in, Trackers.ENTRY_TYPES);
    }

    @Override
    public Conn deserialize(Conn reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Conn> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer from checkpoints and savepoints. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Conn> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
