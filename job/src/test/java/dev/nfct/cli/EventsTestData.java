package dev.nfct.cli;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.TableEntry;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.Conntrack;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.Settings;
import dev.nfct.core.format.EventFormat;
import dev.nfct.core.proto.Trackers;
import dev.nfct.flink.format.AvroSingleObjectSerializer;
import dev.nfct.kafka.EmbeddedKafka;
import dev.nfct.packet.CaptureReader;
import dev.nfct.replay.AtEnd;
import dev.nfct.replay.CaptureReplay;
import dev.nfct.replay.Timing;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.FlowKeys;
import dev.nfct.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Flow events and table entries from a real engine replay of {@code samples/sample.pcap}, and a producer. */
final class EventsTestData {
    private EventsTestData() {}

    /** One engine event: its record, and the lines {@code conntrack -E} prints for it. */
    record Event(ConnEvent engine, FlowEvent flow, String plain, String extended) {}

    /**
     * Every event of the sample replayed with its own timestamps and expired at the end (so every
     * connection also has its DESTROY), as reported by {@code host}.
     */
    static List<Event> sampleEvents(String host) {
        List<Event> events = new ArrayList<>();
        Settings settings = Settings.replayDefaults();
        Conntrack engine = new Conntrack(
                settings,
                Trackers.standard(settings),
                new HashConnTable(),
                e -> events.add(new Event(
                        e,
                        FlowEvents.fromConnEvent(e, host),
                        EventFormat.event(e, false),
                        EventFormat.event(e, true))));
        try (CaptureReader r = CaptureReader.open(SharedData.projectRoot().resolve("samples/sample.pcap"))) {
            new CaptureReplay(engine, Timing.CAPTURE, AtEnd.EXPIRE).run(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** The table topic's records after a top-speed replay of the sample: key and live entry. */
    static Map<String, TableEntry> sampleTable(String host) {
        Settings settings = Settings.replayDefaults();
        Conntrack engine = new Conntrack(settings, Trackers.standard(settings), new HashConnTable(), e -> {});
        CaptureReplay replay = new CaptureReplay(engine, Timing.TOP, AtEnd.KEEP);
        try (CaptureReader r = CaptureReader.open(SharedData.projectRoot().resolve("samples/sample.pcap"))) {
            replay.run(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, TableEntry> table = new java.util.TreeMap<>();
        long now = replay.now();
        engine.table().forEach(c -> {
            ConnEvent dumped = engine.dumpEntry(c, now);
            TableEntry t = FlowEvents.tableEntry(dumped, host, now + 30_000_000_000L);
            table.put(new String(FlowKeys.key(t), StandardCharsets.UTF_8), t);
        });
        return table;
    }

    static byte[] encode(FlowEvent f) {
        return new AvroSingleObjectSerializer<>(FlowEvent.class).serialize(f);
    }

    static byte[] encode(TableEntry t) {
        return new AvroSingleObjectSerializer<>(TableEntry.class).serialize(t);
    }

    /** A transactional producer, as the job's sinks are. */
    static KafkaProducer<byte[], byte[]> transactionalProducer(EmbeddedKafka kafka) {
        Map<String, Object> c = kafka.clientConfig();
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "nfct-test-" + UUID.randomUUID());
        c.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
        p.initTransactions();
        return p;
    }

    /** Sends a record (inside the producer's open transaction) and returns the partition it went to. */
    static int send(KafkaProducer<byte[], byte[]> p, ProducerRecord<byte[], byte[]> r) {
        try {
            return p.send(r).get().partition();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + r.topic(), e);
        }
    }
}
