package dev.nfct.flink.state;

import dev.nfct.core.ConnCodec;
import dev.nfct.core.Tuple;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Flink serializer of a conntrack {@link Tuple} (the key of the per-flow table map). */
public final class TupleSerializer extends TypeSerializerSingleton<Tuple> {
    private static final long serialVersionUID = 1L;
    public static final TupleSerializer INSTANCE = new TupleSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public Tuple createInstance() {
        return new Tuple(2, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public Tuple copy(Tuple from) {
        return from;
    }

    @Override
    public Tuple copy(Tuple from, Tuple reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Tuple t, DataOutputView out) throws IOException {
        ConnCodec.writeTuple(t, out);
    }

    @Override
    public Tuple deserialize(DataInputView in) throws IOException {
        return ConnCodec.readTuple(in);
    }

    @Override
    public Tuple deserialize(Tuple reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Tuple> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer from checkpoints and savepoints. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Tuple> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
