package dev.nfct.flink.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.FlowEventType;
import dev.nfct.avro.FlowTuple;
import dev.nfct.avro.PacketEvent;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.Conntrack;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.Packet;
import dev.nfct.core.PacketCt;
import dev.nfct.core.Settings;
import dev.nfct.core.proto.Trackers;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.packet.Captures;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.PacketEvents;
import dev.nfct.testing.Packets;
import dev.nfct.testing.SharedData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class AvroSingleObjectSerializerTest {
    static PacketEvent packetEvent(int sport) {
        Packet p = Packets.tcp("192.0.2.1", sport, "192.0.2.2", 80).syn().seq(7).build();
        return PacketEvents.fromPacket(p, "host-" + sport, sport, 1_000);
    }

    static FlowEvent flowEvent() {
        FlowTuple o = new FlowTuple("192.0.2.1", "192.0.2.2", 40000, 80, null, null, null, null, null);
        FlowTuple r = new FlowTuple("192.0.2.2", "192.0.2.1", 80, 40000, null, null, null, null, null);
        return FlowEvent.newBuilder()
                .setType(FlowEventType.NEW)
                .setHost("gw")
                .setTimestampNs(5)
                .setProtocol(6)
                .setOrig(o)
                .setReply(r)
                .setState("SYN_SENT")
                .setTimeoutSeconds(120L)
                .setStatus(8)
                .setUnreplied(true)
                .setEventBits(1)
                .setId(0xFFFF_FFFEL)
                .build();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @Test
    void headerIsMarkerAndLittleEndianCrc64FingerprintOfTheSchema() {
        byte[] m = new AvroSingleObjectSerializer<>(PacketEvent.class).serialize(packetEvent(1));
        long fp = SchemaNormalization.parsingFingerprint64(PacketEvent.getClassSchema());
        assertThat(m[0]).isEqualTo((byte) 0xC3);
        assertThat(m[1]).isEqualTo((byte) 0x01);
        for (int i = 0; i < 8; i++) {
            assertThat(m[2 + i]).as("fingerprint byte %d", i).isEqualTo((byte) (fp >>> (8 * i)));
        }
    }

    @Test
    void bytesAreExactlyWhatAvrosOwnSingleObjectEncoderWrites() throws Exception {
        var ser = new AvroSingleObjectSerializer<>(PacketEvent.class);
        PacketEvent e = packetEvent(40000);
        assertThat(ser.serialize(e)).isEqualTo(bytes(e.toByteBuffer()));
        assertThat(PacketEvent.fromByteBuffer(ByteBuffer.wrap(ser.serialize(e))))
                .isEqualTo(e);
        FlowEvent f = flowEvent();
        assertThat(new AvroSingleObjectSerializer<>(FlowEvent.class).serialize(f))
                .isEqualTo(bytes(f.toByteBuffer()));
    }

    @Test
    void reusedBuffersNeverLeakIntoTheNextRecordOrAReturnedArray() throws Exception {
        var ser = new AvroSingleObjectSerializer<>(PacketEvent.class);
        PacketEvent a = packetEvent(1), b = packetEvent(2);
        b.setHost("a-much-longer-host-name-than-the-first-one");
        byte[] first = ser.serialize(a);
        byte[] copy = Arrays.copyOf(first, first.length);
        byte[] second = ser.serialize(b);
        byte[] third = ser.serialize(a);
        assertThat(first).isEqualTo(copy).isEqualTo(third).isNotSameAs(third);
        assertThat(second).isEqualTo(bytes(b.toByteBuffer()));
    }

    @Test
    void aRecordThatCannotBeEncodedIsNamedAndDoesNotPoisonTheNextOne() throws Exception {
        var ser = new AvroSingleObjectSerializer<>(FlowEvent.class);
        FlowEvent broken = flowEvent();
        broken.setReply(null); // required field
        assertThatThrownBy(() -> ser.serialize(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot encode FlowEvent");
        FlowEvent good = flowEvent();
        assertThat(ser.serialize(good)).isEqualTo(bytes(good.toByteBuffer()));
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        var ser = new AvroSingleObjectSerializer<>(PacketEvent.class);
        ser.serialize(packetEvent(1)); // initialised state is transient and must not break shipping
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(ser);
        }
        @SuppressWarnings("unchecked")
        var copy = (AvroSingleObjectSerializer<PacketEvent>)
                new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray())).readObject();
        copy.open(null);
        assertThat(copy.recordClass()).isEqualTo(PacketEvent.class);
        assertThat(copy.serialize(packetEvent(3))).isEqualTo(ser.serialize(packetEvent(3)));
    }

    /**
     * Every packet of every capture, and every event the engine makes of them, is written byte for
     * byte as Avro's own single-object encoder writes it and read back equal (the mapping tests in
     * the schemas module go through Avro's codec; this ties the job's to it).
     */
    @Test
    void everyRecordOfTheCapturesIsWrittenAsAvroWritesItAndReadBack() throws Exception {
        var packetSer = new AvroSingleObjectSerializer<>(PacketEvent.class);
        var packetDe = new AvroSingleObjectDeserializer<>(PacketEvent.class);
        var flowSer = new AvroSingleObjectSerializer<>(FlowEvent.class);
        var flowDe = new AvroSingleObjectDeserializer<>(FlowEvent.class);
        List<Path> captures = new ArrayList<>(SharedData.captures());
        captures.add(SharedData.sample());
        int packets = 0, flows = 0;
        for (Path capture : captures) {
            List<ConnEvent> events = new ArrayList<>();
            Settings settings = new Settings();
            settings.set("nf_conntrack_acct", "1");
            settings.set("nf_conntrack_timestamp", "1");
            Conntrack ct = new Conntrack(settings, Trackers.standard(settings), new HashConnTable(), events::add);
            PacketCt r = new PacketCt();
            for (CapturedDatagram d : Captures.datagrams(capture)) {
                PacketEvent e = PacketEvents.fromPacket(d.packet(), "h1", d.frameNumber(), d.timestampNanos());
                byte[] wire = packetSer.serialize(e);
                assertThat(wire).as("%s frame %d", capture, d.frameNumber()).isEqualTo(bytes(e.toByteBuffer()));
                assertThat(packetDe.deserialize(wire)).isEqualTo(e);
                packets++;
                ct.forward(d.packet(), d.timestampNanos(), r);
            }
            for (ConnEvent c : events) {
                FlowEvent f = FlowEvents.fromConnEvent(c, "h1");
                byte[] wire = flowSer.serialize(f);
                assertThat(wire).as("%s: %s", capture, f).isEqualTo(bytes(f.toByteBuffer()));
                assertThat(flowDe.deserialize(wire)).isEqualTo(f);
                flows++;
            }
        }
        assertThat(packets).isPositive();
        assertThat(flows).isPositive();
    }
}
