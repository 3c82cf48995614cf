package dev.nfct.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.SctpChunk;
import dev.nfct.avro.SctpHeader;
import dev.nfct.avro.TcpHeader;
import dev.nfct.core.Packet;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Avro's generated coders, once {@link AvroCoders#useGenerated} turns them on, read and write what
 * the reflective ones do: the same bytes, every nested record and union branch, and a record
 * written with an older schema gets the defaults of the fields it lacks.
 */
class AvroCodersTest {
    @BeforeAll
    static void on() {
        AvroCoders.useGenerated();
    }

    @Test
    void theyAreOn() {
        assertThat(SpecificData.getForClass(PacketEvent.class).useCustomCoders())
                .isTrue();
    }

    @Test
    void aRecordWithEveryBranchRoundTripsToTheSameBytesAndRecord() throws Exception {
        PacketEvent e = sample();
        e.setTcp(new TcpHeader(1L, 2L, 0x12, 20, 65535, 7, true, 99L));
        e.setSctp(new SctpHeader(7L, List.of(new SctpChunk(1, 0, 5L), new SctpChunk(3, 1, 0L)), false));
        byte[] generated = write(e, true);
        assertThat(generated).isEqualTo(write(e, false));
        PacketEvent back = new SpecificDatumReader<>(PacketEvent.class)
                .read(null, DecoderFactory.get().binaryDecoder(generated, null));
        assertThat(back).isEqualTo(e);
    }

    @Test
    void aRecordOfAnOlderSchemaGetsTheDefaultsOfWhatItLacks() throws Exception {
        Schema ours = PacketEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : ours.getFields()) {
            if (!f.name().equals("sctp")) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema older = Schema.createRecord(ours.getName(), ours.getDoc(), ours.getNamespace(), false, fields);
        PacketEvent e = sample();
        GenericRecord g = new GenericData.Record(older);
        for (Schema.Field f : older.getFields()) {
            Object v = e.get(f.name());
            g.put(f.name(), v instanceof org.apache.avro.specific.SpecificRecord ? null : v);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(older, GenericData.get()).write(g, enc);
        enc.flush();
        PacketEvent back = new SpecificDatumReader<PacketEvent>(
                        older, ours, SpecificData.getForClass(PacketEvent.class))
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(back.getSctp()).isNull();
        assertThat(back.getHost()).isEqualTo(e.getHost());
        assertThat(back.getPacketId()).isEqualTo(e.getPacketId());
        assertThat(back.getSrc()).isEqualTo(e.getSrc());
    }

    private static PacketEvent sample() {
        Packet p = new Packet();
        p.family = Packet.AF_INET;
        p.protocol = Packet.IPPROTO_UDP;
        p.srcLo = 0x0a000001L;
        p.dstLo = 0xc0000201L;
        p.srcPort = 1234;
        p.dstPort = 53;
        p.l4Length = 72;
        p.l3Length = 92;
        p.udpLengthField = 72;
        p.hopLimit = 64;
        p.l4ChecksumOk = true;
        return PacketEvents.fromPacket(p, "host-a", 7, 1_700_000_000_000_000_000L);
    }

    private static byte[] write(PacketEvent e, boolean generated) throws Exception {
        SpecificData d = new SpecificData();
        d.setCustomCoders(generated);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<PacketEvent>(PacketEvent.getClassSchema(), d).write(e, enc);
        enc.flush();
        return out.toByteArray();
    }
}
