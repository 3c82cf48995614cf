package dev.nfct.flink.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.FlowEventType;
import dev.nfct.avro.FlowTuple;
import dev.nfct.avro.PacketEvent;
import dev.nfct.flink.io.PacketRecordDeserializer;
import dev.nfct.flink.records.InputRecord;
import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry wire format with Apicurio's real serdes and resolver, against {@link InMemoryRegistry}
 * (Apicurio's client interface over a map: no HTTP). Framing byte by byte, what gets registered
 * where, round trips both ways between our codecs and Apicurio's own serializer/deserializer, a
 * producer with a pre-known id (as a Confluent producer would write), and every kind of bad input.
 */
class RegistryWireFormatTest {
    private static final String URL = "http://in-memory.invalid/apis/registry/v3";
    private static final String PACKETS = "conntrack.packets";
    private static final InMemoryRegistry REGISTRY = InMemoryRegistry.SHARED;

    private List<PacketEvent> packets;

    @BeforeEach
    void setUp() throws Exception {
        REGISTRY.clear();
        packets = Samples.packets(50);
    }

    static RegistrySettings settings(boolean confluent) {
        Map<String, String> extra = new HashMap<>(InMemoryRegistry.resolverSetting());
        extra.put(SchemaResolverConfig.RETRY_COUNT, "0"); // a 404 is not retried (default: 3 x 300 ms)
        return new RegistrySettings(URL, confluent, true, extra);
    }

    private static <T extends org.apache.avro.specific.SpecificRecordBase> ValueEncoder<T> encoder(
            boolean confluent, Class<T> c) {
        ValueEncoder<T> e = ValueFormat.registry(settings(confluent)).encoder(c);
        e.open(null);
        return e;
    }

    private static ValueDecoder<PacketEvent> decoder(boolean confluent) {
        ValueDecoder<PacketEvent> d = ValueFormat.registry(settings(confluent)).decoder(PacketEvent.class);
        d.open(null);
        return d;
    }

    /** The plain Avro body of a record (what follows any header). */
    private static byte[] body(PacketEvent p) {
        AvroSingleObjectSerializer<PacketEvent> s = new AvroSingleObjectSerializer<>(PacketEvent.class);
        byte[] single = s.serialize(p);
        return Arrays.copyOfRange(single, 10, single.length);
    }

    private static byte[] framed(int id, byte[] body) {
        return ByteBuffer.allocate(5 + body.length)
                .put((byte) 0)
                .putInt(id)
                .put(body)
                .array();
    }

    @Test
    void confluentFramingIsMagicByteFourByteContentIdBodyAndRegistersTopicRecordArtifact() throws Exception {
        ValueEncoder<PacketEvent> enc = encoder(true, PacketEvent.class);
        byte[] m = enc.encode(PACKETS, packets.get(0));

        assertThat(REGISTRY.versions()).hasSize(1);
        InMemoryRegistry.Version v = REGISTRY.versions().get(0);
        assertThat(v.groupId()).isEqualTo("dev.nfct.avro");
        assertThat(v.artifactId()).isEqualTo(PACKETS + "-PacketEvent");
        // dereferenced: one self-contained schema, equal to the generated class's
        assertThat(new Schema.Parser().parse(REGISTRY.content(v.contentId()))).isEqualTo(PacketEvent.getClassSchema());

        assertThat(m[0]).isZero();
        assertThat(ByteBuffer.wrap(m, 1, 4).getInt()).isEqualTo((int) v.contentId());
        assertThat(Arrays.copyOfRange(m, 5, m.length)).isEqualTo(body(packets.get(0)));

        ValueDecoder<PacketEvent> dec = decoder(true);
        StringBuilder why = new StringBuilder();
        for (PacketEvent p : packets) {
            assertThat(dec.decodeOrNull(PACKETS, enc.encode(PACKETS, p), why))
                    .as("%s", why)
                    .isEqualTo(p);
        }
        assertThat(REGISTRY.versions()).hasSize(1);
        assertThat(REGISTRY.lookups()).isEqualTo(1); // the decoder asked once, then used its cache
    }

    @Test
    void apicurioFramingIsMagicByteEightByteGlobalId() throws Exception {
        ValueEncoder<PacketEvent> enc = encoder(false, PacketEvent.class);
        byte[] m = enc.encode(PACKETS, packets.get(0));
        InMemoryRegistry.Version v = REGISTRY.versions().get(0);
        assertThat(m[0]).isZero();
        assertThat(ByteBuffer.wrap(m, 1, 8).getLong()).isEqualTo(v.globalId()).isNotEqualTo(v.contentId());
        assertThat(Arrays.copyOfRange(m, 9, m.length)).isEqualTo(body(packets.get(0)));
        assertThat(decoder(false).decodeOrNull(PACKETS, m, null)).isEqualTo(packets.get(0));
        // the same bytes read with the other framing are not silently misread
        StringBuilder why = new StringBuilder();
        assertThat(decoder(true).decodeOrNull(PACKETS, m, why)).isNull();
        assertThat(why.toString()).startsWith("unknown schema: content id 0");
    }

    @Test
    void eachRecordTypeAndTopicGetsItsOwnArtifact() {
        FlowEvent f = flowEvent();
        encoder(true, FlowEvent.class).encode("conntrack.flow-events", f);
        encoder(true, DeadLetter.class)
                .encode(
                        "conntrack.dead-letters",
                        DeadLetter.newBuilder()
                                .setReason("r")
                                .setTopic("t")
                                .setPartition(0)
                                .setOffset(0)
                                .setTimestampMs(0)
                                .build());
        assertThat(REGISTRY.versions())
                .extracting(InMemoryRegistry.Version::artifactId)
                .containsExactly("conntrack.flow-events-FlowEvent", "conntrack.dead-letters-DeadLetter");
    }

    private static FlowEvent flowEvent() {
        return FlowEvent.newBuilder()
                .setType(FlowEventType.NEW)
                .setHost("h")
                .setOrig(FlowTuple.newBuilder()
                        .setSrc("10.0.0.1")
                        .setDst("10.0.0.2")
                        .build())
                .setReply(FlowTuple.newBuilder()
                        .setSrc("10.0.0.2")
                        .setDst("10.0.0.1")
                        .build())
                .build();
    }

    @Test
    void recordsOfApicuriosOwnSerializerWithItsDefaultsAreRead() throws Exception {
        // A producer using Apicurio 3's defaults: TopicIdStrategy, nested types registered as references.
        try (AvroKafkaSerializer<PacketEvent> apicurio = new AvroKafkaSerializer<>(new InMemoryRegistry.Resolver<>())) {
            apicurio.configure(
                    Map.of(SchemaResolverConfig.REGISTRY_URL, URL, SchemaResolverConfig.AUTO_REGISTER_ARTIFACT, "true"),
                    false);
            ValueDecoder<PacketEvent> dec = decoder(true);
            StringBuilder why = new StringBuilder();
            for (PacketEvent p : packets) {
                assertThat(dec.decodeOrNull(PACKETS, apicurio.serialize(PACKETS, p), why))
                        .as("%s", why)
                        .isEqualTo(p);
            }
        }
        assertThat(REGISTRY.versions())
                .extracting(InMemoryRegistry.Version::artifactId)
                .contains(PACKETS + "-value");
    }

    @Test
    void ourRecordsAreReadByApicuriosOwnDeserializer() throws Exception {
        ValueEncoder<PacketEvent> enc = encoder(true, PacketEvent.class);
        try (AvroKafkaDeserializer<PacketEvent> apicurio =
                new AvroKafkaDeserializer<>(new InMemoryRegistry.Resolver<>())) {
            apicurio.configure(
                    Map.of(SchemaResolverConfig.REGISTRY_URL, URL, AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, "true"),
                    false);
            for (PacketEvent p : packets) {
                assertThat(apicurio.deserialize(PACKETS, enc.encode(PACKETS, p)))
                        .isEqualTo(p);
            }
        }
    }

    @Test
    void aProducerWithAPreKnownIdIsRead() throws Exception {
        // What a Confluent serializer writes: 00, the id the registry gave it, the body.
        REGISTRY.putContent(42, PacketEvent.getClassSchema().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder be = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(PacketEvent.class).write(packets.get(3), be);
        be.flush();
        assertThat(decoder(true).decodeOrNull(PACKETS, framed(42, out.toByteArray()), null))
                .isEqualTo(packets.get(3));
    }

    @Test
    void aCompatibleWriterSchemaIsResolvedToOurs() throws Exception {
        // A newer producer schema with one more field at the end.
        Schema ours = PacketEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : ours.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("probe", Schema.create(Schema.Type.STRING), null, ""));
        Schema newer = Schema.createRecord(ours.getName(), ours.getDoc(), ours.getNamespace(), false, fields);
        REGISTRY.putContent(77, newer.toString());
        byte[] body = body(packets.get(5));
        byte[] withProbe = Arrays.copyOf(body, body.length + 2);
        withProbe[body.length] = 2; // string of length 1
        withProbe[body.length + 1] = 'x';
        StringBuilder why = new StringBuilder();
        assertThat(decoder(true).decodeOrNull(PACKETS, framed(77, withProbe), why))
                .as("%s", why)
                .isEqualTo(packets.get(5));
        // the same id with the plain body ends inside the record
        assertThat(decoder(true).decodeOrNull(PACKETS, framed(77, body), why)).isNull();
        assertThat(why.toString()).startsWith("invalid PacketEvent body (schema content id 77)");
    }

    @Test
    void badInputGivesAReasonNeverAnException() throws Exception {
        ValueEncoder<PacketEvent> enc = encoder(true, PacketEvent.class);
        byte[] good = enc.encode(PACKETS, packets.get(0));
        FlowEvent f = flowEvent();
        byte[] flow = encoder(true, FlowEvent.class).encode("conntrack.flow-events", f);
        byte[] single = new AvroSingleObjectSerializer<>(PacketEvent.class).serialize(packets.get(0));

        ValueDecoder<PacketEvent> dec = decoder(true);
        Map<String, byte[]> cases = new java.util.LinkedHashMap<>();
        cases.put("no value", null);
        cases.put("empty message", new byte[0]);
        cases.put(
                "no schema registry framing (expected magic byte 00, found C3): an Avro single-object header", single);
        cases.put("no schema registry framing (expected magic byte 00, found 6E)", "not avro".getBytes());
        cases.put("truncated header: 3 bytes", new byte[] {0, 0, 0});
        cases.put(
                "unknown schema: content id 999 (NotFound: content id 999 not found)",
                framed(999, body(packets.get(0))));
        cases.put("schema content id 2 (dev.nfct.avro.FlowEvent) cannot be read as dev.nfct.avro.PacketEvent", flow);
        cases.put("truncated body", Arrays.copyOf(good, good.length - 1));
        cases.put("trailing bytes", Arrays.copyOf(good, good.length + 1));
        StringBuilder why = new StringBuilder();
        for (var c : cases.entrySet()) {
            assertThat(dec.decodeOrNull(PACKETS, c.getValue(), why))
                    .as(c.getKey())
                    .isNull();
            assertThat(why.toString()).as(c.getKey()).startsWith(c.getKey());
        }
        // an unknown id is remembered: garbage does not make the job query the registry per record
        int lookups = REGISTRY.lookups();
        assertThat(dec.decodeOrNull(PACKETS, framed(999, body(packets.get(1))), why))
                .isNull();
        assertThat(REGISTRY.lookups()).isEqualTo(lookups);
    }

    @Test
    void theSourceDeserializerTurnsBadInputIntoDeadLettersInRegistryMode() throws Exception {
        ValueFormat format = ValueFormat.registry(settings(true));
        PacketRecordDeserializer source = new PacketRecordDeserializer(format);
        source.open(null);
        ValueEncoder<PacketEvent> enc = format.encoder(PacketEvent.class);
        List<InputRecord> out = new ArrayList<>();
        Collector<InputRecord> collector = new Collector<>() {
            @Override
            public void collect(InputRecord r) {
                out.add(r);
            }

            @Override
            public void close() {}
        };
        source.deserialize(new ConsumerRecord<>(PACKETS, 0, 7, null, enc.encode(PACKETS, packets.get(0))), collector);
        source.deserialize(new ConsumerRecord<>(PACKETS, 0, 8, "k".getBytes(), "garbage".getBytes()), collector);
        assertThat(out.get(0).packet).isEqualTo(packets.get(0));
        assertThat(out.get(1).deadLetter.getReason()).startsWith("undecodable PacketEvent: no schema registry framing");
        assertThat(out.get(1).deadLetter.getOffset()).isEqualTo(8);
    }
}
