package dev.nfct.flink.format;

import static dev.nfct.flink.format.AvroSingleObjectSerializerTest.flowEvent;
import static dev.nfct.flink.format.AvroSingleObjectSerializerTest.packetEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.SctpHeader;
import dev.nfct.core.Packet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;

class AvroSingleObjectDeserializerTest {
    private final AvroSingleObjectSerializer<PacketEvent> ser = new AvroSingleObjectSerializer<>(PacketEvent.class);
    private final AvroSingleObjectDeserializer<PacketEvent> de = new AvroSingleObjectDeserializer<>(PacketEvent.class);
    private final StringBuilder why = new StringBuilder();

    private String rejection(byte[] message) {
        assertThat(de.decodeOrNull(message, why)).as("decoded garbage").isNull();
        assertThat(why).isNotEmpty();
        return why.toString();
    }

    @Test
    void roundTripGivesAnEqualNewRecordEachTime() throws IOException {
        PacketEvent e = packetEvent(40000);
        byte[] m = ser.serialize(e);
        PacketEvent a = de.deserialize(m), b = de.deserialize(m);
        assertThat(a).isEqualTo(e).isEqualTo(b).isNotSameAs(b);
        assertThat(de.decodeOrNull(m, why)).isEqualTo(e);
        assertThat(why).isEmpty();
        assertThat(de.decodeOrNull(m, null)).isEqualTo(e);
    }

    @Test
    void readsWhatAvrosOwnEncoderWrites() throws IOException {
        PacketEvent e = packetEvent(9);
        ByteBuffer b = e.toByteBuffer();
        byte[] m = new byte[b.remaining()];
        b.get(m);
        assertThat(de.deserialize(m)).isEqualTo(e);
    }

    @Test
    void producedTypeIsAvroTypeInfoOfTheRecordClass() {
        assertThat(de.getProducedType()).isInstanceOf(AvroTypeInfo.class);
        assertThat(de.getProducedType().getTypeClass()).isEqualTo(PacketEvent.class);
        assertThat(de.isEndOfStream(packetEvent(1))).isFalse();
    }

    @Test
    void reasonsForMessagesThatAreNotOurRecords() {
        assertThat(rejection(null)).isEqualTo("no value (a null or tombstone message)");
        assertThat(rejection(new byte[0])).isEqualTo("empty message");
        assertThat(rejection("hello".getBytes()))
                .isEqualTo("no Avro single-object header (expected C3 01, found 68 65)");
        assertThat(rejection(new byte[] {(byte) 0xC3})).startsWith("no Avro single-object header");
        assertThat(rejection(new byte[] {(byte) 0xC3, 1, 2, 3})).startsWith("truncated header: 4 bytes");
        byte[] flow = new AvroSingleObjectSerializer<>(FlowEvent.class).serialize(flowEvent());
        assertThat(rejection(flow))
                .startsWith("unknown schema fingerprint ")
                .contains(SingleObject.hex(de.expectedFingerprint()))
                .contains("dev.nfct.avro.PacketEvent");
    }

    @Test
    void everyTruncationOfAValidMessageIsATruncatedBody() {
        byte[] m = ser.serialize(packetEvent(40000));
        for (int n = SingleObject.HEADER_LENGTH; n < m.length; n++) {
            assertThat(rejection(Arrays.copyOf(m, n)))
                    .as("first %d of %d bytes", n, m.length)
                    .startsWith("truncated body");
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] m = ser.serialize(packetEvent(40000));
        assertThat(rejection(Arrays.copyOf(m, m.length + 1))).startsWith("trailing bytes after the PacketEvent record");
    }

    @Test
    void lengthsLargerThanTheMessageAreRejectedBeforeAnythingIsAllocated() throws IOException {
        // A host string claiming 1 GiB.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(SingleObject.header(de.expectedFingerprint()));
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        enc.writeLong(1L << 30);
        enc.flush();
        assertThat(rejection(out.toByteArray()))
                .startsWith("truncated body")
                .contains("string of 1073741824 bytes in a body of only 5");

        // An SCTP chunk list claiming 2^30 items: the list count is the second-to-last byte.
        PacketEvent e = packetEvent(1);
        e.setProtocol(Packet.IPPROTO_SCTP);
        e.setTcp(null);
        e.setSctp(new SctpHeader(1L, List.of(), false));
        byte[] m = ser.serialize(e);
        ByteArrayOutputStream lie = new ByteArrayOutputStream();
        lie.write(m, 0, m.length - 2);
        enc = EncoderFactory.get().binaryEncoder(lie, enc);
        enc.writeLong(1L << 30);
        enc.writeBoolean(false);
        enc.flush();
        assertThat(rejection(lie.toByteArray())).contains("array block of 1073741824 items");
    }

    @Test
    void randomBodiesAndBitFlipsNeverThrow() {
        Random rnd = new Random(42);
        byte[] header = SingleObject.header(de.expectedFingerprint());
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] m = Arrays.copyOf(header, header.length + rnd.nextInt(200));
            for (int k = header.length; k < m.length; k++) {
                m[k] = (byte) rnd.nextInt(256);
            }
            if (de.decodeOrNull(m, why) == null) {
                assertThat(why).isNotEmpty();
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(19_000);
        byte[] valid = ser.serialize(packetEvent(40000));
        for (int k = SingleObject.HEADER_LENGTH; k < valid.length; k++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] m = valid.clone();
                m[k] ^= (byte) (1 << bit);
                PacketEvent r = de.decodeOrNull(m, why);
                assertThat(r != null || why.length() > 0).isTrue();
            }
        }
    }

    @Test
    void deserializeThrowsIoExceptionWithTheReasonAndSkipsTombstones() throws IOException {
        assertThat(de.deserialize(null)).isNull();
        assertThatThrownBy(() -> de.deserialize("garbage".getBytes()))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("no Avro single-object header");
        byte[] m = ser.serialize(packetEvent(2));
        assertThat(de.deserialize(m)).isEqualTo(packetEvent(2)); // still usable after a failure
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        de.deserialize(ser.serialize(packetEvent(1)));
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(de);
        }
        @SuppressWarnings("unchecked")
        var copy = (AvroSingleObjectDeserializer<PacketEvent>)
                new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray())).readObject();
        copy.open(null);
        assertThat(copy.deserialize(ser.serialize(packetEvent(5)))).isEqualTo(packetEvent(5));
    }
}
