package dev.nfct.flink.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.PacketEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link InputRecordSerializer} and {@link PacketEventCodec}: every field of the packet schema,
 * nested ones included, filled with a value other than its default by walking the schema, comes
 * back equal (so a field added to the schema and not to the codec fails here); the other kinds of
 * record too; and Flink's own serializer test suite passes.
 */
class InputRecordSerializerTest extends SerializerTestBase<InputRecord> {
    InputRecordSerializerTest() {
        super(new org.apache.flink.testutils.DeeplyEqualsChecker()
                .withCustomCheck(
                        (a, b) -> a instanceof InputRecord && b instanceof InputRecord,
                        (a, b, checker) -> same((InputRecord) a, (InputRecord) b)));
    }

    @Override
    protected TypeSerializer<InputRecord> createSerializer() {
        return new InputRecordSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<InputRecord> getTypeClass() {
        return InputRecord.class;
    }

    @Override
    protected InputRecord[] getTestData() {
        InputRecord packet = InputRecord.packet(everyField(1)).from("packets", 3, 42, 1000, new byte[] {1, 2});
        InputRecord bare = InputRecord.packet(everyField(2));
        bare.packet.setTcp(null);
        bare.packet.setIcmp(null);
        bare.packet.setSctp(null);
        InputRecord dead = InputRecord.deadLetter(deadLetter());
        InputRecord times = InputRecord.hostTimes(Map.of("a", 1L, "b", 2L), 77);
        return new InputRecord[] {packet, bare, dead, times, new InputRecord()};
    }

    private static boolean same(InputRecord a, InputRecord b) {
        return java.util.Objects.equals(a.packet, b.packet)
                && java.util.Objects.equals(a.deadLetter, b.deadLetter)
                && java.util.Objects.equals(a.topic, b.topic)
                && a.partition == b.partition
                && a.offset == b.offset
                && a.timestampMs == b.timestampMs
                && java.util.Arrays.equals(a.key, b.key)
                && java.util.Objects.equals(a.hostTimes, b.hostTimes)
                && a.routingKey == b.routingKey;
    }

    @Test
    void everyFieldOfThePacketSchemaComesBack() throws Exception {
        PacketEvent e = everyField(5);
        DataOutputSerializer out = new DataOutputSerializer(256);
        PacketEventCodec.write(e, out);
        PacketEvent back = PacketEventCodec.read(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        assertThat(back).isEqualTo(e);
        assertThat(PacketEventCodec.copy(e)).isEqualTo(e).isNotSameAs(e);
        assertThat(PacketEventCodec.copy(e).getSrc()).isNotSameAs(e.getSrc());
    }

    /** A packet record with every field, nested ones included, set to something else than its default. */
    static PacketEvent everyField(int seed) {
        return (PacketEvent) fill(PacketEvent.getClassSchema(), seed);
    }

    private static Object fill(Schema s, int seed) {
        switch (s.getType()) {
            case RECORD: {
                SpecificRecord r = (SpecificRecord) SpecificData.get().newRecord(null, s);
                int i = 0;
                for (Schema.Field f : s.getFields()) {
                    r.put(f.pos(), fill(f.schema(), seed * 31 + ++i));
                }
                return r;
            }
            case UNION:
                for (Schema b : s.getTypes()) {
                    if (b.getType() != Schema.Type.NULL) {
                        return fill(b, seed);
                    }
                }
                return null;
            case ARRAY: {
                List<Object> l = new ArrayList<>();
                l.add(fill(s.getElementType(), seed + 1));
                l.add(fill(s.getElementType(), seed + 2));
                return l;
            }
            case ENUM: {
                List<String> symbols = s.getEnumSymbols();
                return SpecificData.get().createEnum(symbols.get(symbols.size() - 1 - seed % 2), s);
            }
            case STRING:
                return "v" + seed;
            case BYTES:
                return ByteBuffer.wrap(new byte[] {(byte) seed, 2, 3, 4});
            case INT:
                return 1000 + seed;
            case LONG:
                return 1_000_000L + seed;
            case BOOLEAN:
                return true;
            default:
                throw new IllegalArgumentException("no filler for " + s.getType() + ": add one");
        }
    }

    private static DeadLetter deadLetter() {
        DeadLetter d = new DeadLetter();
        for (Schema.Field f : DeadLetter.getClassSchema().getFields()) {
            d.put(f.pos(), fill(f.schema(), f.pos()));
        }
        return d;
    }
}
