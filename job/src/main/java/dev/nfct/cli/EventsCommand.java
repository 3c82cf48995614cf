package dev.nfct.cli;

import dev.nfct.avro.FlowEvent;
import dev.nfct.flink.format.AvroSingleObjectDeserializer;
import dev.nfct.flink.io.Topics;
import dev.nfct.schema.FlowEvents;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code events --bootstrap-servers HOST:PORT [options]}: the project's own reader of the
 * flow-event topic. Prints each event as {@code conntrack -E} does (or JSON), with
 * {@code conntrack -E}'s filters; only what the job's transactions committed is read
 * ({@code isolation.level=read_committed}).
 *
 * <p>Standard output carries the events only; warnings (undecodable records), errors and the
 * closing {@code events: N flow events shown} go to standard error. Exit status 0 when stopped by
 * {@code --count}, {@code --timeout} or a signal; 1 when Kafka cannot be used (unreachable within
 * {@code --metadata-timeout}, missing topic, authorization...); 2 for usage errors.
 */
final class EventsCommand {
    private static final long MAX_POLL_MS = 500;

    /** Aliases of the options, conntrack's spellings among them; the value is the canonical name. */
    private static final Map<String, String> ALIASES = aliases();

    /** The options that take one value (and may be given once), by canonical name. */
    private static final List<String> SINGLE = List.of(
            "--bootstrap-servers",
            "--topic",
            "--topic-prefix",
            "--group",
            "--consumer-config",
            "--metadata-timeout",
            "--output",
            "--count",
            "--timeout",
            "--event-mask",
            "--proto",
            "--family",
            "--src",
            "--dst",
            "--reply-src",
            "--reply-dst",
            "--addr",
            "--sport",
            "--dport",
            "--reply-port-src",
            "--reply-port-dst",
            "--zone",
            "--mark");

    /** Consumer settings the command owns; a --consumer-property cannot change them. */
    private static final Map<String, String> OWNED = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "use --bootstrap-servers",
            ConsumerConfig.GROUP_ID_CONFIG, "use --group",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "the command always reads with read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "use --from-beginning",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "with --group the command commits what it has read",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "the command reads raw bytes",
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "the command reads raw bytes");

    private EventsCommand() {}

    private static Map<String, String> aliases() {
        Map<String, String> a = new java.util.TreeMap<>();
        a.put("-e", "--event-mask");
        a.put("-p", "--proto");
        a.put("--protonum", "--proto");
        a.put("-f", "--family");
        a.put("-s", "--src");
        a.put("--orig-src", "--src");
        a.put("-d", "--dst");
        a.put("--orig-dst", "--dst");
        a.put("-r", "--reply-src");
        a.put("-q", "--reply-dst");
        a.put("--orig-port-src", "--sport");
        a.put("--orig-port-dst", "--dport");
        a.put("-w", "--zone");
        a.put("-m", "--mark");
        a.put("-o", "--output");
        a.put("-b", "--bootstrap-servers");
        a.put("-c", "--count");
        return a;
    }

    static String usage() {
        return "usage: events --bootstrap-servers HOST:PORT [options]\n"
                + "\n"
                + "Reads the job's flow events from Kafka (committed transactions only) and prints them\n"
                + "as `conntrack -E` does. By default only events that arrive from now on, until stopped.\n"
                + "Events go to standard output, warnings and the closing count to standard error.\n"
                + "\n"
                + "Kafka:\n"
                + "  -b, --bootstrap-servers HOST:PORT[,...]  brokers to connect to (required)\n"
                + "  --topic NAME                 topic to read (default " + Topics.FLOW_EVENTS + ")\n"
                + "  --topic-prefix P             read P" + Topics.FLOW_EVENTS
                + ", as `run --topic-prefix P` writes it\n"
                + "  --from-beginning             start at the oldest retained events, not at the end\n"
                + "  --group ID                   read as member of consumer group ID and commit progress\n"
                + "                               (a group that has committed offsets resumes there, even\n"
                + "                               with --from-beginning); default: no group, all partitions\n"
                + "  --consumer-property K=V      any other consumer setting, e.g. security.protocol=SSL\n"
                + "                               (repeatable)\n"
                + "  --consumer-config FILE       consumer settings from a properties file\n"
                + "  --metadata-timeout SECONDS   how long to wait for the brokers at start (default 30)\n"
                + "\n"
                + "Output and stopping:\n"
                + "  -o, --output FMT[,FMT]       extended (adds the L3 column), json (one object per line,\n"
                + "                               with the host), id (adds id=N), timestamp (prefixes the\n"
                + "                               event time as [sec.usec] and a tab); default: plain lines\n"
                + "  -c, --count N                exit after printing N events\n"
                + "  --timeout SECONDS            exit after SECONDS without a printed event (default: never)\n"
                + "\n"
                + "Filters (as conntrack -E; an event must pass all that are given):\n"
                + "  -e, --event-mask TYPES       NEW,UPDATE,DESTROY (any case), or ALL\n"
                + "  -p, --proto PROTO            tcp, udp, udplite, icmp, icmpv6, sctp, gre, dccp or a number\n"
                + "  -f, --family ipv4|ipv6\n"
                + "  -s, --src, --orig-src ADDR   original source address; ADDR may be a prefix, 10.0.0.0/8\n"
                + "  -d, --dst, --orig-dst ADDR   original destination address or prefix\n"
                + "  -r, --reply-src ADDR         reply source address or prefix\n"
                + "  -q, --reply-dst ADDR         reply destination address or prefix\n"
                + "  --addr ADDR                  either address of either tuple\n"
                + "  --sport, --orig-port-src PORT  original source port\n"
                + "  --dport, --orig-port-dst PORT  original destination port\n"
                + "  --reply-port-src PORT        reply source port\n"
                + "  --reply-port-dst PORT        reply destination port\n"
                + "  -w, --zone N                 conntrack zone\n"
                + "  -m, --mark MARK[/MASK]       connection mark\n"
                + "  --host NAME                  the host that reported the event (repeatable: any of them)\n"
                + "\n"
                + "Exit status: 0 stopped by --count, --timeout or a signal; 1 Kafka cannot be used;\n"
                + "2 usage error.\n";
    }

    /** How the events are printed. */
    private record Output(boolean extended, boolean json, boolean id, boolean timestamp) {
        String render(FlowEvent f) {
            StringBuilder sb = new StringBuilder(256);
            if (timestamp) {
                long ns = f.getTimestampNs();
                sb.append('[')
                        .append(Math.floorDiv(ns, 1_000_000_000L))
                        .append('.')
                        .append(String.format(Locale.ROOT, "%06d", Math.floorMod(ns, 1_000_000_000L) / 1000))
                        .append("]\t");
            }
            if (json) {
                return sb.append(FlowEvents.json(f)).toString();
            }
            sb.append(FlowEvents.conntrackLine(f, extended));
            if (id) {
                sb.append(" id=").append(f.getId());
            }
            return sb.toString();
        }
    }

    /** Everything the command line asks for. */
    private record Settings(
            Map<String, Object> consumer,
            String bootstrap,
            String topic,
            boolean fromBeginning,
            String group,
            long count,
            long timeoutNanos,
            Duration metadataTimeout,
            Output output,
            FlowEventFilter filter) {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Settings s;
        try {
            Set<String> withValue = new HashSet<>(SINGLE);
            withValue.addAll(List.of("--consumer-property", "--host"));
            withValue.addAll(ALIASES.keySet());
            Args args = new Args(argv, withValue, Set.of("--from-beginning", "--help", "-h"));
            if (args.has("--help") || args.has("-h")) {
                out.print(usage());
                out.flush();
                return 0;
            }
            s = settings(args);
        } catch (IllegalArgumentException e) {
            err.println("events: " + e.getMessage() + " (see events --help)");
            return 2;
        } catch (IOException e) {
            err.println("events: " + e.getMessage());
            return 2;
        }
        return consume(s, out, err);
    }

    private static Settings settings(Args args) throws IOException {
        Options o = new Options(args);
        for (String single : SINGLE) {
            o.get(single); // throws if given twice, under any of its names
        }
        String bootstrap = o.get("--bootstrap-servers", null);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("--bootstrap-servers HOST:PORT is required");
        }
        if (o.has("--topic") && o.has("--topic-prefix")) {
            throw new IllegalArgumentException("give --topic or --topic-prefix, not both");
        }
        String topic;
        try {
            topic = o.has("--topic")
                    ? o.get("--topic", null)
                    : Topics.defaults().withPrefix(o.get("--topic-prefix", "")).flowEvents();
            org.apache.kafka.common.internals.Topic.validate(topic);
        } catch (InvalidTopicException e) {
            throw new IllegalArgumentException(e.getMessage());
        }

        Map<String, Object> consumer = new LinkedHashMap<>();
        if (o.has("--consumer-config")) {
            Path file = Path.of(o.get("--consumer-config", null));
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new IOException("cannot read --consumer-config " + file + ": " + e, e);
            }
            for (String k : p.stringPropertyNames()) {
                consumerProperty(consumer, k, p.getProperty(k), "--consumer-config " + file);
            }
        }
        args.forEachKeyValue(
                "--consumer-property",
                "KEY=VALUE",
                (k, v) -> consumerProperty(consumer, k.trim(), v, "--consumer-property"));

        boolean extended = false, json = false, id = false, timestamp = false;
        if (o.has("--output")) {
            for (String fmt : o.get("--output", "").split(",", -1)) {
                switch (fmt.trim().toLowerCase(Locale.ROOT)) {
                    case "extended" -> extended = true;
                    case "json" -> json = true;
                    case "id" -> id = true;
                    case "timestamp" -> timestamp = true;
                    case "xml", "ktimestamp", "labels", "userspace" ->
                        throw new IllegalArgumentException(
                                "-o " + fmt.trim() + " is not supported here (only extended, json, id, timestamp)");
                    default ->
                        throw new IllegalArgumentException(
                                "-o takes extended, json, id or timestamp (comma-separated), not '" + fmt + "'");
                }
            }
        }

        long count = o.has("--count") ? positive(display("--count"), o.get("--count", null)) : 0;
        long timeoutNanos = o.has("--timeout") ? seconds("--timeout", o.get("--timeout", null)) : 0;
        long metadataNanos = seconds("--metadata-timeout", o.get("--metadata-timeout", "30"));

        FlowEventFilter.Builder f = FlowEventFilter.builder();
        Integer family = null;
        if (o.has("--event-mask")) {
            f.types(FlowEventFilter.parseEventMask(o.get("--event-mask", null)));
        }
        if (o.has("--proto")) {
            f.protocol(FlowEventFilter.parseProtocol(o.get("--proto", null)));
        }
        if (o.has("--family")) {
            family = FlowEventFilter.parseFamily(o.get("--family", null));
            f.family(family);
        }
        IpPrefix origSrc = prefix(o, "--src"), origDst = prefix(o, "--dst");
        IpPrefix replySrc = prefix(o, "--reply-src"), replyDst = prefix(o, "--reply-dst");
        IpPrefix any = prefix(o, "--addr");
        for (IpPrefix p : new IpPrefix[] {origSrc, origDst, replySrc, replyDst, any}) {
            if (p == null) {
                continue;
            }
            if (family != null && p.family != family) {
                throw new IllegalArgumentException("the addresses given and -f/--family do not agree (no event"
                        + " can match: an address is of one family only)");
            }
            family = p.family;
        }
        // A null prefix leaves its condition unset, as the builder starts.
        f.origSrc(origSrc)
                .origDst(origDst)
                .replySrc(replySrc)
                .replyDst(replyDst)
                .anyAddress(any);
        if (o.has("--sport")) {
            f.origSport(FlowEventFilter.parsePort(display("--sport"), o.get("--sport", null)));
        }
        if (o.has("--dport")) {
            f.origDport(FlowEventFilter.parsePort(display("--dport"), o.get("--dport", null)));
        }
        if (o.has("--reply-port-src")) {
            f.replySport(FlowEventFilter.parsePort(display("--reply-port-src"), o.get("--reply-port-src", null)));
        }
        if (o.has("--reply-port-dst")) {
            f.replyDport(FlowEventFilter.parsePort(display("--reply-port-dst"), o.get("--reply-port-dst", null)));
        }
        if (o.has("--zone")) {
            f.zone(FlowEventFilter.parseZone(o.get("--zone", null)));
        }
        if (o.has("--mark")) {
            f.mark(FlowEventFilter.parseMark(o.get("--mark", null)));
        }
        for (String h : args.all("--host")) {
            f.host(h);
        }
        return new Settings(
                consumer,
                bootstrap.trim(),
                topic,
                o.has("--from-beginning"),
                o.get("--group", null),
                count,
                timeoutNanos,
                Duration.ofNanos(metadataNanos),
                new Output(extended, json, id, timestamp),
                f.build());
    }

    private static void consumerProperty(Map<String, Object> consumer, String key, String value, String where) {
        String why = OWNED.get(key);
        if (why != null) {
            throw new IllegalArgumentException(where + ": " + key + " cannot be set (" + why + ")");
        }
        consumer.put(key, value);
    }

    private static IpPrefix prefix(Options o, String option) {
        if (!o.has(option)) {
            return null;
        }
        try {
            return IpPrefix.parse(o.get(option, null));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(display(option) + ": " + e.getMessage());
        }
    }

    /** An option as the usage names it: {@code -s/--src/--orig-src}. */
    static String display(String canonical) {
        List<String> names = new ArrayList<>();
        ALIASES.forEach((alias, c) -> {
            if (c.equals(canonical) && !alias.startsWith("--")) {
                names.add(alias);
            }
        });
        names.add(canonical);
        ALIASES.forEach((alias, c) -> {
            if (c.equals(canonical) && alias.startsWith("--")) {
                names.add(alias);
            }
        });
        return String.join("/", names);
    }

    /** The parsed options under their canonical names, whichever alias was typed. */
    private static final class Options {
        private final Args args;

        Options(Args args) {
            this.args = args;
        }

        private List<String> all(String canonical) {
            List<String> v = new ArrayList<>(args.all(canonical));
            ALIASES.forEach((alias, c) -> {
                if (c.equals(canonical)) {
                    v.addAll(args.all(alias));
                }
            });
            return v;
        }

        boolean has(String canonical) {
            return !all(canonical).isEmpty();
        }

        String get(String canonical, String dflt) {
            List<String> v = all(canonical);
            if (v.size() > 1) {
                throw new IllegalArgumentException(display(canonical) + " is given more than once");
            }
            return v.isEmpty() ? dflt : v.get(0);
        }

        void get(String canonical) {
            get(canonical, null);
        }
    }

    private static long positive(String option, String s) {
        try {
            long v = Long.parseLong(s.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a whole number above 0, not '" + s + "'");
    }

    /** Seconds (decimals allowed: 0.5) as nanoseconds, above 0 and at most a year. */
    private static long seconds(String option, String s) {
        try {
            double v = Double.parseDouble(s.trim());
            if (v > 0 && v <= 366 * 86400.0 && !s.trim().matches(".*[a-zA-Z].*")) {
                return Math.max(1_000_000L, (long) (v * 1e9));
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a number of seconds above 0, not '" + s + "'");
    }

    // ---- reading -------------------------------------------------------------------------------

    private static Map<String, Object> consumerConfig(Settings s) {
        Map<String, Object> c = new LinkedHashMap<>(s.consumer);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, s.fromBeginning ? "earliest" : "latest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "nfct-events");
        if (s.group != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, s.group);
        }
        return c;
    }

    private static int consume(Settings s, PrintStream out, PrintStream err) {
        KafkaConsumer<byte[], byte[]> consumer;
        try {
            consumer = new KafkaConsumer<>(consumerConfig(s), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            // Kafka wraps most setting errors in "Failed to construct kafka consumer".
            String why = rootMessage(e);
            boolean unresolvable = why.contains("No resolvable bootstrap urls");
            boolean config = e instanceof ConfigException || e.getCause() instanceof ConfigException;
            err.println("events: cannot create the Kafka consumer: " + why
                    + (unresolvable ? " (" + s.bootstrap + ")" : ""));
            return config && !unresolvable ? 2 : 1;
        }
        Reader reader = new Reader(s, consumer, out, err);
        Thread hook = new Thread(reader::stopFromSignal, "nfct-events-shutdown");
        boolean hooked = false;
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            hooked = true;
        } catch (IllegalStateException shuttingDown) {
            // nothing to stop then
        }
        try {
            return reader.run();
        } finally {
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it waits for reader.run to finish, which it just did
                }
            }
        }
    }

    /** One run of the read loop, with the state a signal handler needs to stop it cleanly. */
    private static final class Reader {
        private final Settings s;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final PrintStream out;
        private final PrintStream err;
        private final CountDownLatch finished = new CountDownLatch(1);
        private final AvroSingleObjectDeserializer<FlowEvent> decoder =
                new AvroSingleObjectDeserializer<>(FlowEvent.class);
        private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
        private long shown;
        private long skipped;

        Reader(Settings s, KafkaConsumer<byte[], byte[]> consumer, PrintStream out, PrintStream err) {
            this.s = s;
            this.consumer = consumer;
            this.out = out;
            this.err = err;
        }

        /** Shutdown hook (Ctrl-C, SIGTERM): wake the loop and wait a little for its summary. */
        void stopFromSignal() {
            consumer.wakeup();
            try {
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        int run() {
            boolean started = false;
            try {
                List<TopicPartition> partitions = partitions();
                if (partitions == null) {
                    return 1;
                }
                if (s.group != null) {
                    consumer.subscribe(List.of(s.topic));
                } else {
                    consumer.assign(partitions);
                    if (s.fromBeginning) {
                        consumer.seekToBeginning(partitions);
                    } else {
                        consumer.seekToEnd(partitions);
                    }
                    // Fix the start positions now (seeks are lazy): events committed from here on are shown.
                    for (TopicPartition tp : partitions) {
                        consumer.position(tp, s.metadataTimeout);
                    }
                }
                started = true;
                err.println("events: reading " + s.topic + " (" + partitions.size() + " partition"
                        + (partitions.size() == 1 ? "" : "s") + ") on " + s.bootstrap
                        + (s.group != null ? " as group " + s.group : "")
                        + (s.fromBeginning ? ", from the beginning" : ", new events only"));
                err.flush();
                loop();
                return 0;
            } catch (WakeupException e) {
                return 0; // a signal: stop as conntrack -E does on Ctrl-C
            } catch (TimeoutException e) {
                err.println("events: Kafka at " + s.bootstrap + " did not answer in time: " + rootMessage(e));
                return 1;
            } catch (KafkaException e) {
                err.println("events: reading " + s.topic + " from " + s.bootstrap + " failed: " + rootMessage(e));
                return 1;
            } catch (IOException e) {
                return 0; // standard output closed (e.g. `events | head`): nothing more to do
            } finally {
                if (started) {
                    commit();
                    err.println("events: " + shown + " flow event" + (shown == 1 ? "" : "s") + " shown"
                            + (skipped == 0
                                    ? ""
                                    : ", " + skipped + " undecodable record" + (skipped == 1 ? "" : "s") + " skipped"));
                }
                err.flush();
                try {
                    consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
                } catch (RuntimeException ignored) {
                    // closing is best effort
                }
                finished.countDown();
            }
        }

        /** The topic's partitions, or null (after saying why) when it cannot be read. */
        private List<TopicPartition> partitions() {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(s.topic, s.metadataTimeout);
            } catch (TimeoutException e) {
                err.println("events: cannot reach Kafka at " + s.bootstrap + ": no metadata for topic " + s.topic
                        + " within " + seconds(s.metadataTimeout) + " (are the brokers up and reachable, and the"
                        + " security settings right? see --consumer-property)");
                return null;
            }
            if (infos == null || infos.isEmpty()) {
                err.println("events: topic " + s.topic + " does not exist on " + s.bootstrap
                        + " (the job creates it; see `run --create-topics`, or --topic/--topic-prefix)");
                return null;
            }
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : infos) {
                parts.add(new TopicPartition(s.topic, p.partition()));
            }
            parts.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            return parts;
        }

        private void loop() throws IOException {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            StringBuilder reason = new StringBuilder();
            long lastShown = System.nanoTime();
            while (true) {
                long pollMs = MAX_POLL_MS;
                if (s.timeoutNanos > 0) {
                    long left = s.timeoutNanos - (System.nanoTime() - lastShown);
                    if (left <= 0) {
                        return;
                    }
                    pollMs = Math.max(1, Math.min(pollMs, TimeUnit.NANOSECONDS.toMillis(left) + 1));
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(pollMs));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    toCommit.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    FlowEvent f = decoder.decodeOrNull(r.value(), reason);
                    String line = null;
                    if (f != null) {
                        try {
                            line = s.filter.test(f) ? s.output.render(f) : null;
                        } catch (RuntimeException e) {
                            // decoded, but not printable (an address or L4 field the format cannot take)
                            reason.setLength(0);
                            reason.append("cannot print the event: ").append(e.getMessage());
                            f = null;
                        }
                    }
                    if (f == null) {
                        skipped++;
                        w.flush();
                        err.println("events: warning: skipping record at " + r.topic() + " partition " + r.partition()
                                + " offset " + r.offset() + ": " + reason);
                        continue;
                    }
                    if (line == null) {
                        continue;
                    }
                    w.write(line);
                    w.write('\n');
                    shown++;
                    lastShown = System.nanoTime();
                    if (s.count > 0 && shown >= s.count) {
                        flush(w);
                        return;
                    }
                }
                flush(w);
                if (s.group != null && !records.isEmpty()) {
                    consumer.commitAsync(new HashMap<>(toCommit), null);
                }
            }
        }

        private void flush(Writer w) throws IOException {
            w.flush();
            if (out.checkError()) {
                throw new IOException("standard output is closed");
            }
        }

        /** With a group: commit what was read (printed or not), so the group resumes after it. */
        private void commit() {
            if (s.group == null || toCommit.isEmpty()) {
                return;
            }
            try {
                consumer.commitSync(toCommit, Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                err.println("events: warning: could not commit the group's offsets: " + rootMessage(e));
            }
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String rootMessage(Throwable t) {
        String m = t.getMessage();
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null) {
                m = c.getMessage();
            }
        }
        return m != null ? m : t.toString();
    }
}
