package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.FlowTuple;
import dev.nfct.cli.EventsTestData.Event;
import dev.nfct.core.EventType;
import dev.nfct.flink.io.Topics;
import dev.nfct.kafka.EmbeddedKafkaExtension;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.FlowKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code events} command against a real broker: the sample's engine events are produced, as
 * the job produces them (keyed, single-object Avro, in transactions; one aborted), into a topic of
 * three partitions together with one garbage record, and read back with each filter.
 *
 * <p>Speed: every run with {@code --timeout 3} lasts at least 3 s, so the runs are all started in
 * parallel in {@link #setUp} and each test only waits for (and checks) its own.
 */
class EventsCommandITCase {
    private static final String TOPIC = "it.flow-events";
    private static final String PREFIX = "ci-7.";
    private static final String HOST = "gw1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The filters the tests check; started at once, in parallel. */
    private static final List<List<String>> CASES = List.of(
            List.of(),
            List.of("-p", "udp"),
            List.of("-e", "DESTROY"),
            List.of("-e", "new,Update"),
            List.of("-s", "192.0.2.1"),
            List.of("--addr", "2001:db8:1::2"),
            List.of("-d", "192.0.2.0/24"),
            List.of("--dport", "8000"),
            List.of("-o", "json"),
            List.of("-o", "extended,id"),
            List.of("-p", "icmpv6", "-e", "NEW"),
            List.of("-p", "tcp", "--sport", "40086", "-r", "2001:db8:1::/48"));

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static List<Event> events;
    /** The events of each partition, in the order they were written. */
    private static final Map<Integer, List<Event>> byPartition = new TreeMap<>();

    private static int garbagePartition;
    private static long garbageOffset;
    private static ExecutorService pool;
    private static final Map<List<String>, CompletableFuture<CommandRun>> runs = new ConcurrentHashMap<>();

    private static List<String> warnings(CommandRun r) {
        return r.err.lines().filter(l -> l.startsWith("events: warning:")).toList();
    }

    @BeforeAll
    static void setUp() throws Exception {
        KAFKA.broker().createTopic(TOPIC, 3, Map.of());
        events = EventsTestData.sampleEvents(HOST);
        assertThat(events)
                .hasSizeGreaterThan(20)
                .anyMatch(e -> e.engine().type == EventType.DESTROY)
                .anyMatch(e -> e.engine().protocol() == 17);
        try (KafkaProducer<byte[], byte[]> p = EventsTestData.transactionalProducer(KAFKA.broker())) {
            int half = events.size() / 2;
            p.beginTransaction();
            for (Event e : events.subList(0, half)) {
                produce(p, e);
            }
            var m = p.send(new ProducerRecord<>(
                            TOPIC,
                            0,
                            "garbage".getBytes(StandardCharsets.UTF_8),
                            "not an Avro record".getBytes(StandardCharsets.UTF_8)))
                    .get();
            garbagePartition = m.partition();
            garbageOffset = m.offset();
            p.commitTransaction();
            // An aborted transaction: read_committed must never show it.
            p.beginTransaction();
            FlowEvent aborted = FlowEvent.newBuilder(events.get(0).flow())
                    .setOrig(FlowTuple.newBuilder(events.get(0).flow().getOrig())
                            .setSrc("198.51.100.99")
                            .build())
                    .build();
            for (int partition = 0; partition < 3; partition++) {
                p.send(new ProducerRecord<>(TOPIC, partition, FlowKeys.key(aborted), EventsTestData.encode(aborted)));
            }
            p.flush();
            p.abortTransaction();
            p.beginTransaction();
            for (Event e : events.subList(half, events.size())) {
                produce(p, e);
            }
            p.commitTransaction();
        }
        // A line shows the original tuple, and so the key: no line can be in two partitions.
        Map<String, Integer> lineToPartition = new LinkedHashMap<>();
        byPartition.forEach((part, list) -> list.forEach(
                e -> assertThat(lineToPartition.putIfAbsent(e.plain(), part)).isIn(null, part)));
        assertThat(byPartition).hasSizeGreaterThan(1);

        // Two hosts on the prefixed default topic name.
        String prefixed = Topics.defaults().withPrefix(PREFIX).flowEvents();
        KAFKA.broker().createTopic(prefixed, 1, Map.of());
        try (KafkaProducer<byte[], byte[]> p = EventsTestData.transactionalProducer(KAFKA.broker())) {
            p.beginTransaction();
            for (Event e : events.subList(0, 6)) {
                for (String host : List.of("gw1", "gw2")) {
                    FlowEvent f = FlowEvent.newBuilder(e.flow()).setHost(host).build();
                    p.send(new ProducerRecord<>(prefixed, FlowKeys.key(f), EventsTestData.encode(f)));
                }
            }
            p.commitTransaction();
        }

        pool = Executors.newCachedThreadPool();
        for (List<String> c : CASES) {
            start(c);
        }
    }

    private static void produce(KafkaProducer<byte[], byte[]> p, Event e) {
        int partition = EventsTestData.send(
                p, new ProducerRecord<>(TOPIC, FlowKeys.key(e.flow()), EventsTestData.encode(e.flow())));
        byPartition.computeIfAbsent(partition, k -> new ArrayList<>()).add(e);
    }

    @AfterAll
    static void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** {@code events --bootstrap-servers .. --topic TOPIC --from-beginning --timeout 3 EXTRA..}, started once. */
    private static CompletableFuture<CommandRun> start(List<String> extra) {
        return runs.computeIfAbsent(
                extra,
                k -> CompletableFuture.supplyAsync(
                        () -> {
                            List<String> args = new ArrayList<>(List.of(
                                    "--bootstrap-servers",
                                    KAFKA.broker().bootstrapServers(),
                                    "--topic",
                                    TOPIC,
                                    "--from-beginning",
                                    "--timeout",
                                    "3"));
                            args.addAll(k);
                            return events(args.toArray(String[]::new));
                        },
                        pool));
    }

    private static CommandRun run(String... extra) {
        return start(List.of(extra)).join();
    }

    static CommandRun events(String... args) {
        return CommandRun.of(EventsCommand::run, args);
    }

    /**
     * The run printed exactly the events {@code which} selects, rendered by {@code render}, each
     * partition's in the order they were written (partitions interleave freely).
     */
    private static void assertShows(CommandRun r, Predicate<Event> which, Function<Event, String> render) {
        assertThat(r.status).as(r.err).isZero();
        List<String> expectedAll = events.stream().filter(which).map(render).toList();
        assertThat(expectedAll).as("the filter must select something").isNotEmpty();
        assertThat(r.lines()).containsExactlyInAnyOrderElementsOf(expectedAll);
        byPartition.forEach((part, list) -> {
            List<String> expected = list.stream().filter(which).map(render).toList();
            Set<String> mine = new HashSet<>(list.stream().map(render).toList());
            assertThat(r.lines().stream().filter(mine::contains).toList())
                    .as("partition " + part)
                    .isEqualTo(expected);
        });
        assertThat(r.err)
                .contains("events: " + expectedAll.size() + " flow event" + (expectedAll.size() == 1 ? "" : "s")
                        + " shown");
    }

    @Test
    void printsEveryCommittedEventAsConntrackDoesInPartitionOrder() {
        CommandRun r = run();
        assertShows(r, e -> true, Event::plain);
        assertThat(r.out).doesNotContain("198.51.100.99"); // the aborted transaction
        assertThat(r.lines().get(0)).doesNotStartWith("events:"); // stdout carries events only
    }

    @Test
    void garbageRecordGivesOneWarningWithItsPositionAndTheRunGoesOn() {
        CommandRun r = run();
        assertThat(warnings(r))
                .singleElement()
                .satisfies(w -> assertThat(w)
                        .contains(TOPIC + " partition " + garbagePartition + " offset " + garbageOffset)
                        .contains("no Avro single-object header"));
        assertThat(r.err).contains("events: " + events.size() + " flow events shown, 1 undecodable record skipped");
    }

    @Test
    void protocolFilter() {
        assertShows(run("-p", "udp"), e -> e.engine().protocol() == 17, Event::plain);
    }

    @Test
    void eventTypeFilter() {
        assertShows(run("-e", "DESTROY"), e -> e.engine().type == EventType.DESTROY, Event::plain);
        assertShows(run("-e", "new,Update"), e -> e.engine().type != EventType.DESTROY, Event::plain);
    }

    @Test
    void protocolAndTypeTogether() {
        assertShows(
                run("-p", "icmpv6", "-e", "NEW"),
                e -> e.engine().protocol() == 58 && e.engine().type == EventType.NEW,
                Event::plain);
    }

    @Test
    void originalSourceFilter() {
        assertShows(run("-s", "192.0.2.1"), e -> e.flow().getOrig().getSrc().equals("192.0.2.1"), Event::plain);
    }

    @Test
    void addressOnEitherEndOfEitherTuple() {
        assertShows(
                run("--addr", "2001:db8:1::2"),
                e -> List.of(
                                e.flow().getOrig().getSrc(),
                                e.flow().getOrig().getDst(),
                                e.flow().getReply().getSrc(),
                                e.flow().getReply().getDst())
                        .contains("2001:db8:1::2"),
                Event::plain);
    }

    @Test
    void destinationPrefixFilter() {
        assertShows(
                run("-d", "192.0.2.0/24"),
                e -> e.flow().getFamily() == 2 && e.flow().getOrig().getDst().startsWith("192.0.2."),
                Event::plain);
    }

    @Test
    void destinationPortFilter() {
        assertShows(
                run("--dport", "8000"),
                e -> Integer.valueOf(8000).equals(e.flow().getOrig().getDstPort()),
                Event::plain);
    }

    @Test
    void portAndReplyPrefixFilters() {
        assertShows(
                run("-p", "tcp", "--sport", "40086", "-r", "2001:db8:1::/48"),
                e -> e.engine().protocol() == 6
                        && Integer.valueOf(40086).equals(e.flow().getOrig().getSrcPort()),
                Event::plain);
    }

    @Test
    void extendedOutputWithIds() {
        assertShows(
                run("-o", "extended,id"),
                e -> true,
                e -> e.extended() + " id=" + e.flow().getId());
    }

    @Test
    void jsonOutputIsOneObjectPerLine() throws Exception {
        CommandRun r = run("-o", "json");
        assertShows(r, e -> true, e -> FlowEvents.json(e.flow()));
        for (String line : r.lines()) {
            JsonNode n = JSON.readTree(line);
            assertThat(n.isObject()).isTrue();
            assertThat(n.get("host").asText()).isEqualTo(HOST);
            assertThat(n.get("type").asText()).isIn("NEW", "UPDATE", "DESTROY");
            assertThat(n.get("l3").asText()).isIn("ipv4", "ipv6");
            assertThat(n.get("orig").get("src").asText()).isNotEmpty();
            assertThat(n.get("reply").get("dst").asText()).isNotEmpty();
            assertThat(n.has("protonum")).isTrue();
        }
        // The fields of one known event.
        JsonNode first = JSON.readTree(r.lines().stream()
                .filter(l -> l.contains("\"sport\":40080"))
                .findFirst()
                .orElseThrow());
        assertThat(first.get("type").asText()).isEqualTo("NEW");
        assertThat(first.get("l4").asText()).isEqualTo("tcp");
        assertThat(first.get("state").asText()).isEqualTo("SYN_SENT");
        assertThat(first.get("orig").get("dport").asInt()).isEqualTo(8000);
    }

    @Test
    void countStopsAfterThatManyEvents() {
        CommandRun r = events(
                "--bootstrap-servers",
                KAFKA.broker().bootstrapServers(),
                "--topic",
                TOPIC,
                "--from-beginning",
                "--count",
                "3",
                "--timeout",
                "30");
        assertThat(r.status).as(r.err).isZero();
        assertThat(r.lines()).hasSize(3);
        assertThat(events.stream().map(Event::plain).toList()).containsAll(r.lines());
        assertThat(r.err).contains("events: 3 flow events shown");
        assertThat(r.millis).as("stopped by --count, not by --timeout").isLessThan(20_000);
    }

    @Test
    void hostFilterOnThePrefixedTopic() throws Exception {
        CommandRun gw2 = events(
                "--bootstrap-servers",
                KAFKA.broker().bootstrapServers(),
                "--topic-prefix",
                PREFIX,
                "--from-beginning",
                "--host",
                "gw2",
                "-o",
                "json",
                "--count",
                "6",
                "--timeout",
                "10");
        assertThat(gw2.status).as(gw2.err).isZero();
        assertThat(gw2.lines()).hasSize(6);
        for (String line : gw2.lines()) {
            assertThat(JSON.readTree(line).get("host").asText()).isEqualTo("gw2");
        }
        CommandRun both = events(
                "--bootstrap-servers",
                KAFKA.broker().bootstrapServers(),
                "--topic-prefix",
                PREFIX,
                "--from-beginning",
                "--host",
                "gw1",
                "--host",
                "gw2",
                "--count",
                "12",
                "--timeout",
                "10");
        assertThat(both.lines()).hasSize(12);
    }

    @Test
    void withoutFromBeginningOnlyNewEventsAreShown() throws Exception {
        String topic = "it.late";
        KAFKA.broker().createTopic(topic, 2, Map.of());
        try (KafkaProducer<byte[], byte[]> p = EventsTestData.transactionalProducer(KAFKA.broker())) {
            p.beginTransaction();
            for (Event e : events.subList(0, 5)) {
                p.send(new ProducerRecord<>(topic, FlowKeys.key(e.flow()), EventsTestData.encode(e.flow())));
            }
            p.commitTransaction();

            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            CompletableFuture<Integer> status = CompletableFuture.supplyAsync(
                    () -> EventsCommand.run(
                            new String[] {
                                "--bootstrap-servers",
                                KAFKA.broker().bootstrapServers(),
                                "--topic",
                                topic,
                                "--count",
                                "2",
                                "--timeout",
                                "15"
                            },
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8)),
                    pool);
            // The command says so on stderr once its start positions are fixed.
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!err.toString(StandardCharsets.UTF_8).contains("new events only") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            p.beginTransaction();
            for (Event e : events.subList(5, 7)) {
                p.send(new ProducerRecord<>(topic, FlowKeys.key(e.flow()), EventsTestData.encode(e.flow())));
            }
            p.commitTransaction();
            assertThat(status.get()).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8).lines().toList())
                    .containsExactlyInAnyOrder(
                            events.get(5).plain(), events.get(6).plain());
        }
    }

    @Test
    void consumerGroupResumesWhereItStopped() {
        String[] base = {
            "--bootstrap-servers",
            KAFKA.broker().bootstrapServers(),
            "--topic",
            TOPIC,
            "--group",
            "it-group",
            "--from-beginning"
        };
        CommandRun first = events(concat(base, "--count", "5", "--timeout", "15"));
        assertThat(first.status).as(first.err).isZero();
        assertThat(first.lines()).hasSize(5);
        CommandRun rest = events(concat(base, "--timeout", "3"));
        assertThat(rest.status).as(rest.err).isZero();
        List<String> all = new ArrayList<>(first.lines());
        all.addAll(rest.lines());
        assertThat(all)
                .containsExactlyInAnyOrderElementsOf(
                        events.stream().map(Event::plain).toList());
    }

    @Test
    void missingTopicIsAClearError() {
        CommandRun r = events(
                "--bootstrap-servers", KAFKA.broker().bootstrapServers(), "--topic", "no.such.topic", "--timeout", "1");
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err).contains("topic no.such.topic does not exist");
        assertThat(r.out).isEmpty();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
