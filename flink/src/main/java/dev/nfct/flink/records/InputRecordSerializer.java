package dev.nfct.flink.records;

import dev.nfct.avro.DeadLetter;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.types.StringValue;

/**
 * {@link InputRecord}s between the job's steps: a kind byte, the Kafka origin, the routing key,
 * then the packet ({@link PacketEventCodec}), the dead letter (Avro: rare) or the host times.
 * Never in state or savepoints, so its layout may change between versions of the job.
 */
public final class InputRecordSerializer extends TypeSerializer<InputRecord> {
    private static final long serialVersionUID = 1L;
    private static final byte NONE = 0;
    private static final byte PACKET = 1;
    private static final byte DEAD_LETTER = 2;
    private static final byte HOST_TIMES = 3;

    /** Stateful (it keeps Avro's encoder): one per thread, as {@link #duplicate} gives. */
    private transient AvroSerializer<DeadLetter> deadLetters;

    private AvroSerializer<DeadLetter> deadLetters() {
        if (deadLetters == null) {
            deadLetters = new AvroSerializer<>(DeadLetter.class);
        }
        return deadLetters;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<InputRecord> duplicate() {
        return new InputRecordSerializer();
    }

    @Override
    public InputRecord createInstance() {
        return new InputRecord();
    }

    @Override
    public InputRecord copy(InputRecord from) {
        InputRecord r = new InputRecord();
        r.packet = from.packet == null ? null : PacketEventCodec.copy(from.packet);
        r.deadLetter = from.deadLetter == null ? null : deadLetters().copy(from.deadLetter);
        r.topic = from.topic;
        r.partition = from.partition;
        r.offset = from.offset;
        r.timestampMs = from.timestampMs;
        r.key = from.key == null ? null : from.key.clone();
        r.hostTimes = from.hostTimes == null ? null : new HashMap<>(from.hostTimes);
        r.routingKey = from.routingKey;
        return r;
    }

    @Override
    public InputRecord copy(InputRecord from, InputRecord reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(InputRecord r, DataOutputView out) throws IOException {
        byte kind = r.packet != null
                ? PACKET
                : r.deadLetter != null ? DEAD_LETTER : r.hostTimes != null ? HOST_TIMES : NONE;
        out.writeByte(kind);
        StringValue.writeString(r.topic, out);
        out.writeInt(r.partition);
        out.writeLong(r.offset);
        out.writeLong(r.timestampMs);
        out.writeInt(r.key == null ? -1 : r.key.length);
        if (r.key != null) {
            out.write(r.key);
        }
        out.writeLong(r.routingKey);
        switch (kind) {
            case PACKET -> PacketEventCodec.write(r.packet, out);
            case DEAD_LETTER -> deadLetters().serialize(r.deadLetter, out);
            case HOST_TIMES -> {
                out.writeInt(r.hostTimes.size());
                for (Map.Entry<String, Long> e : r.hostTimes.entrySet()) {
                    StringValue.writeString(e.getKey(), out);
                    out.writeLong(e.getValue());
                }
            }
            default -> {}
        }
    }

    @Override
    public InputRecord deserialize(DataInputView in) throws IOException {
        InputRecord r = new InputRecord();
        byte kind = in.readByte();
        r.topic = StringValue.readString(in);
        r.partition = in.readInt();
        r.offset = in.readLong();
        r.timestampMs = in.readLong();
        int keyLength = in.readInt();
        if (keyLength >= 0) {
            r.key = new byte[keyLength];
            in.readFully(r.key);
        }
        r.routingKey = in.readLong();
        switch (kind) {
            case PACKET -> r.packet = PacketEventCodec.read(in);
            case DEAD_LETTER -> r.deadLetter = deadLetters().deserialize(in);
            case HOST_TIMES -> {
                int n = in.readInt();
                Map<String, Long> times = new HashMap<>(Math.max(4, n * 2));
                for (int i = 0; i < n; i++) {
                    times.put(StringValue.readString(in), in.readLong());
                }
                r.hostTimes = times;
            }
            default -> {}
        }
        return r;
    }

    @Override
    public InputRecord deserialize(InputRecord reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputRecordSerializer;
    }

    @Override
    public int hashCode() {
        return InputRecordSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<InputRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration: its snapshot only names it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<InputRecord> {
        public Snapshot() {
            super(InputRecordSerializer::new);
        }
    }
}
