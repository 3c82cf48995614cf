package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.FlowEventType;
import dev.nfct.avro.TableEntry;
import dev.nfct.cli.EventsTestData.Event;
import dev.nfct.core.EventBits;
import dev.nfct.core.EventType;
import dev.nfct.flink.format.AvroSingleObjectDeserializer;
import dev.nfct.flink.io.Topics;
import dev.nfct.kafka.EmbeddedKafkaExtension;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.schema.FlowKeys;
import dev.nfct.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keeps docs/CONSUMING.md honest: its Java example is {@link FlowEventConsumerExample}, word for
 * word, and that code is run here against a real broker with records written as the job writes them.
 */
class ConsumingExampleITCase {
    private static final Path DOC = SharedData.projectRoot().resolve("docs/CONSUMING.md");
    private static final Path EXAMPLE =
            SharedData.projectRoot().resolve("job/src/test/java/dev/nfct/cli/FlowEventConsumerExample.java");

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @BeforeAll
    static void start() {
        // The example uses the default topic names: they must be the job's.
        assertThat(FlowEventConsumerExample.FLOW_EVENTS).isEqualTo(Topics.FLOW_EVENTS);
        assertThat(FlowEventConsumerExample.TABLE).isEqualTo(Topics.TABLE);
        TopicSetup.createAll(Topics.defaults(), KAFKA.broker(), 3);
    }

    @Test
    void theDocumentShowsTheExampleCodeExactly() throws Exception {
        String doc = Files.readString(DOC);
        Matcher m = Pattern.compile("<!-- FlowEventConsumerExample.java -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
                .matcher(doc);
        assertThat(m.find()).as("docs/CONSUMING.md has the marked java block").isTrue();
        String source = Files.readString(EXAMPLE);
        // Everything after the package line (a reader puts it in a package of their own).
        String code = source.substring(source.indexOf('\n', source.indexOf("package ")) + 1)
                .strip();
        assertThat(m.group(1).strip()).isEqualTo(code);
    }

    @Test
    void theDocumentShowsTheCurrentUsageOfEvents() throws Exception {
        Matcher m = Pattern.compile("<!-- events usage -->\\s*```text\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(DOC));
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo(EventsCommand.usage());
    }

    @Test
    void theExampleReadsCommittedFlowEventsInPerFlowOrderAndSkipsGarbage() throws Exception {
        List<Event> events = EventsTestData.sampleEvents("gw1");
        try (KafkaProducer<byte[], byte[]> p = EventsTestData.transactionalProducer(KAFKA.broker())) {
            p.beginTransaction();
            for (Event e : events) {
                p.send(new ProducerRecord<>(
                        Topics.FLOW_EVENTS, FlowKeys.key(e.flow()), EventsTestData.encode(e.flow())));
            }
            p.send(new ProducerRecord<>(
                    Topics.FLOW_EVENTS, 1, "junk".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 1, 2, 3}));
            p.commitTransaction();
            p.beginTransaction();
            p.send(new ProducerRecord<>(
                    Topics.FLOW_EVENTS,
                    FlowKeys.key(events.get(0).flow()),
                    EventsTestData.encode(FlowEvent.newBuilder(events.get(0).flow())
                            .setHost("aborted")
                            .build())));
            p.flush();
            p.abortTransaction();
        }

        List<FlowEvent> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                FlowEventConsumerExample.consumer(KAFKA.broker().bootstrapServers(), "example-group")) {
            consumer.subscribe(List.of(FlowEventConsumerExample.FLOW_EVENTS));
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (received.size() < events.size() && System.nanoTime() < deadline) {
                FlowEventConsumerExample.pollOnce(consumer, received::add);
            }
            FlowEventConsumerExample.pollOnce(consumer, received::add); // nothing more may come
        }
        assertThat(received)
                .containsExactlyInAnyOrderElementsOf(
                        events.stream().map(Event::flow).toList());
        // Per flow (key), the order of the engine.
        assertThat(byKey(received))
                .isEqualTo(byKey(events.stream().map(Event::flow).toList()));
    }

    private static Map<String, List<FlowEvent>> byKey(List<FlowEvent> events) {
        Map<String, List<FlowEvent>> m = new TreeMap<>();
        for (FlowEvent f : events) {
            m.computeIfAbsent(new String(FlowKeys.key(f), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(f);
        }
        return m;
    }

    @Test
    void theExampleRebuildsOneHostsTableFromTheCompactedTopic() throws Exception {
        Map<String, TableEntry> gw1 = EventsTestData.sampleTable("gw1");
        Map<String, TableEntry> other = EventsTestData.sampleTable("gw1|x"); // a host name that starts alike
        assertThat(gw1).hasSizeGreaterThan(2);
        String destroyed = gw1.keySet().iterator().next();
        try (KafkaProducer<byte[], byte[]> p = EventsTestData.transactionalProducer(KAFKA.broker())) {
            p.beginTransaction();
            for (Map<String, TableEntry> t : List.of(gw1, other)) {
                t.forEach((k, v) -> p.send(new ProducerRecord<>(
                        Topics.TABLE, k.getBytes(StandardCharsets.UTF_8), EventsTestData.encode(v))));
            }
            p.send(new ProducerRecord<>(Topics.TABLE, destroyed.getBytes(StandardCharsets.UTF_8), null));
            p.commitTransaction();
        }
        Map<String, TableEntry> expected = new LinkedHashMap<>(gw1);
        expected.remove(destroyed);

        Map<String, TableEntry> table = FlowEventConsumerExample.loadTable(
                KAFKA.broker().bootstrapServers(), FlowEventConsumerExample.TABLE, "gw1");
        assertThat(table).isEqualTo(expected);
        assertThat(FlowEventConsumerExample.loadTable(
                        KAFKA.broker().bootstrapServers(), FlowEventConsumerExample.TABLE, "gw1|x"))
                .isEqualTo(other);
    }

    /** Section 3 of the document: what a reader with today's classes does with a newer writer's records. */
    @Test
    void aNewerWriterVersionIsReadOnceItsSchemaIsAddedAndRefusedBefore() throws Exception {
        // v2: a new field with a default, and a new enum symbol at the end
        ObjectNode json = (ObjectNode)
                new ObjectMapper().readTree(FlowEvent.getClassSchema().toString());
        ArrayNode fields = (ArrayNode) json.get("fields");
        ObjectNode typeField = (ObjectNode) fields.get(0);
        ((ArrayNode) typeField.get("type").get("symbols")).add("RELATED");
        fields.addObject().put("name", "vrf").put("type", "string").put("default", "");
        Schema v2 = new Schema.Parser().parse(json.toString());

        FlowEvent v1 = EventsTestData.sampleEvents("gw1").get(0).flow();
        GenericData.Record r = new GenericData.Record(v2);
        for (Schema.Field f : FlowEvent.getClassSchema().getFields()) {
            r.put(f.name(), v1.get(f.name()));
        }
        r.put("type", new GenericData.EnumSymbol(v2.getField("type").schema(), "RELATED"));
        r.put("eventBits", EventBits.RELATED);
        r.put("vrf", "blue");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2)
                .encode(r)
                .array();

        assertThatThrownBy(() -> FlowEvent.getDecoder().decode(bytes)).isInstanceOf(MissingSchemaException.class);
        StringBuilder why = new StringBuilder();
        assertThat(new AvroSingleObjectDeserializer<>(FlowEvent.class).decodeOrNull(bytes, why))
                .isNull();
        assertThat(why).contains("unknown schema fingerprint");

        BinaryMessageDecoder<FlowEvent> decoder = FlowEvent.createDecoder(null);
        decoder.addSchema(v2);
        FlowEvent read = decoder.decode(bytes);
        assertThat(read.getType()).isEqualTo(FlowEventType.UNKNOWN);
        assertThat(FlowEventFilter.typeOf(read)).isEqualTo(EventType.NEW);
        assertThat(FlowEvent.newBuilder(read)
                        .setType(v1.getType())
                        .setEventBits(v1.getEventBits())
                        .build())
                .isEqualTo(v1);
        assertThat(decoder.decode(EventsTestData.encode(v1))).isEqualTo(v1); // and v1 records still
    }
}
