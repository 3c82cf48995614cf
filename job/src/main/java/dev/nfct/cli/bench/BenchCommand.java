package dev.nfct.cli.bench;

import dev.nfct.avro.PacketEvent;
import dev.nfct.core.Packet;
import dev.nfct.flink.KafkaJobOptions;
import dev.nfct.flink.format.AvroSingleObjectSerializer;
import dev.nfct.flink.io.Topics;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.kafka.EmbeddedKafka;
import dev.nfct.kafka.TopicSetup;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code bench [--quick]}: the job measured on this machine, each figure beside the one it is
 * compared with, in one run (these machines are noisy: only ratios measured side by side mean
 * much). Progress and a table of every run go to standard error; standard output gets one line,
 * {@code bench: full_vs_passthrough=R no_kafka_vs_count=R pps_per_core=N big_vs_small_table=R
 * two_vs_one_core=R}, which tools read.
 *
 * <ul>
 *   <li>full_vs_passthrough: the Kafka job (decode, conntrack, encode, exactly-once sinks) against
 *       a job with the same source, decode, encoding and exactly-once sink and no conntrack, on the
 *       same records in the in-JVM broker, parallelism 1, heap state;
 *   <li>no_kafka_vs_count: generated packets through the conntrack job with discarding sinks,
 *       against a keyed job that only counts packets per key, parallelism 1;
 *   <li>pps_per_core: packets per CPU-second of the process for the full job with heap state
 *       (all its threads, the in-JVM broker's included, so it is a lower bound);
 *   <li>big_vs_small_table: established UDP flows with the big table against the small one;
 *   <li>two_vs_one_core: the in-memory conntrack job at parallelism 2 on two cores against 1 on
 *       one, each in its own JVM pinned with taskset ({@link PinnedRun}).
 * </ul>
 */
public final class BenchCommand {
    private BenchCommand() {}

    /** The sizes of one benchmark plan. */
    record Plan(long packets, long smallTable, long bigTable, long kafkaPackets, boolean rocksdb) {
        static Plan quick() {
            return new Plan(2_000_000, 65_536, 1_048_576, 1_000_000, true);
        }

        static Plan full() {
            return new Plan(8_000_000, 65_536, 2_097_152, 4_000_000, true);
        }

        Plan withPackets(long n) {
            return new Plan(n, smallTable, bigTable, kafkaPackets, rocksdb);
        }

        Plan withKafkaPackets(long n) {
            return new Plan(packets, smallTable, bigTable, n, rocksdb);
        }

        Plan withSmallTable(long n) {
            return new Plan(packets, n, bigTable, kafkaPackets, rocksdb);
        }

        Plan withBigTable(long n) {
            return new Plan(packets, smallTable, n, kafkaPackets, rocksdb);
        }

        Plan withoutRocksdb() {
            return new Plan(packets, smallTable, bigTable, kafkaPackets, false);
        }
    }

    static final String USAGE = "usage: bench [--quick] [--packets N] [--kafka-packets N] [--small-table N]"
            + " [--big-table N] [--no-rocksdb]\n"
            + "  the job measured on this machine, as ratios of runs side by side; the last line on\n"
            + "  standard output is `bench: full_vs_passthrough=R no_kafka_vs_count=R pps_per_core=N\n"
            + "  big_vs_small_table=R two_vs_one_core=R`; --quick takes under 4 minutes on 2 cores";

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Plan plan = Plan.full();
        if (args.length == 2 && args[0].equals("--child")) {
            return child(args[1], out, err);
        }
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> plan = Plan.quick();
                    case "--packets" -> plan = plan.withPackets(Long.parseLong(value(args, ++i)));
                    case "--kafka-packets" -> plan = plan.withKafkaPackets(Long.parseLong(value(args, ++i)));
                    case "--small-table" -> plan = plan.withSmallTable(Long.parseLong(value(args, ++i)));
                    case "--big-table" -> plan = plan.withBigTable(Long.parseLong(value(args, ++i)));
                    case "--no-rocksdb" -> plan = plan.withoutRocksdb();
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage() + " (see bench --help)");
            return 2;
        }
        try {
            out.println(new BenchCommand.Runner(plan, err).all());
            return 0;
        } catch (Exception e) {
            err.println("bench: failed: " + e);
            return 1;
        }
    }

    /** A pinned run's child ({@link PinnedRun}): one in-memory run, one line. */
    private static int child(String spec, PrintStream out, PrintStream err) {
        try {
            Runner r = new Runner(Plan.quick(), err);
            Workload w = PinnedRun.workload(spec);
            out.println(PinnedRun.line(r.inMemory("child " + spec, w, PinnedRun.parallelism(spec), false)));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("bench: failed: " + e);
            return 1;
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** Runs a plan. */
    static final class Runner {
        private final Plan plan;
        private final PrintStream err;
        private final List<BenchRun> runs = new ArrayList<>();

        Runner(Plan plan, PrintStream err) {
            this.plan = plan;
            this.err = err;
        }

        String all() throws Exception {
            long t0 = System.nanoTime();
            Workload small1 = new Workload(Workload.Kind.ESTABLISHED_UDP, plan.packets(), 1, plan.smallTable());
            BenchRun conntrack = inMemory("conntrack, established UDP, small table, p1", small1, 1, false);
            BenchRun count = count("count per key, established UDP, small table, p1", small1);
            long bigPackets = Math.max(plan.packets(), 3 * plan.bigTable());
            BenchRun big = inMemory(
                    "conntrack, established UDP, big table, p1",
                    new Workload(Workload.Kind.ESTABLISHED_UDP, bigPackets, 1, plan.bigTable()),
                    1,
                    false);
            BenchRun[] scaling = scaling();
            for (Workload.Kind k : List.of(Workload.Kind.SHORT_TCP, Workload.Kind.NEW_UDP, Workload.Kind.MIX)) {
                long n = k == Workload.Kind.NEW_UDP ? Math.min(plan.packets(), plan.bigTable()) : plan.packets();
                inMemory(
                        "conntrack, " + k.name().toLowerCase(Locale.ROOT) + ", p1",
                        new Workload(k, n, 1, plan.smallTable()),
                        1,
                        false);
            }
            if (plan.rocksdb()) {
                inMemory("conntrack, established UDP, small table, p1, RocksDB", small1, 1, true);
            }
            BenchRun[] kafka = kafka();
            err.printf(Locale.ROOT, "bench: %d runs in %.0f s%n", runs.size(), (System.nanoTime() - t0) / 1e9);
            for (BenchRun r : runs) {
                err.println("  " + r.line());
            }
            return String.format(
                    Locale.ROOT,
                    "bench: full_vs_passthrough=%.2f no_kafka_vs_count=%.2f pps_per_core=%d big_vs_small_table=%.2f"
                            + " two_vs_one_core=%.2f",
                    kafka[0].packetsPerSecond() / kafka[1].packetsPerSecond(),
                    conntrack.packetsPerSecond() / count.packetsPerSecond(),
                    Math.round(kafka[0].packetsPerCpuSecond()),
                    big.packetsPerSecond() / conntrack.packetsPerSecond(),
                    scaling[1].packetsPerSecond() / scaling[0].packetsPerSecond());
        }

        /**
         * Parallelism 1 on one core against parallelism 2 on two, each in a JVM of its own pinned
         * to those cores; in this JVM, unpinned, where taskset or a second core is missing.
         */
        private BenchRun[] scaling() throws Exception {
            Workload one = new Workload(Workload.Kind.ESTABLISHED_UDP, plan.packets(), 1, plan.smallTable());
            Workload two = new Workload(Workload.Kind.ESTABLISHED_UDP, plan.packets(), 2, plan.smallTable());
            if (!PinnedRun.possible(2)) {
                err.println("bench: taskset or a second core missing: parallelism 2 against 1 measured unpinned");
                return new BenchRun[] {
                    inMemory("conntrack, established UDP, small table, p1, unpinned", one, 1, false),
                    inMemory("conntrack, established UDP, small table, p2, unpinned", two, 2, false)
                };
            }
            BenchRun[] r = new BenchRun[2];
            for (int p = 1; p <= 2; p++) {
                String name =
                        "conntrack, established UDP, small table, p" + p + " on " + p + " core" + (p > 1 ? "s" : "");
                err.printf("bench: %s (own JVM)...%n", name);
                r[p - 1] = PinnedRun.run(name, PinnedRun.spec(p == 1 ? one : two, p), p);
                runs.add(r[p - 1]);
                err.println("  " + r[p - 1].line());
            }
            return r;
        }

        private static Configuration local(int parallelism, boolean rocksdb) {
            Configuration c = new Configuration();
            c.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
            c.set(StateBackendOptions.STATE_BACKEND, rocksdb ? "rocksdb" : "hashmap");
            c.set(ConntrackOptions.HOST_TIME_BROADCAST, Duration.ofSeconds(1));
            return c;
        }

        BenchRun inMemory(String name, Workload w, int parallelism, boolean rocksdb) throws Exception {
            Configuration c = local(parallelism, rocksdb);
            return timed(name, w, parallelism, c, env -> BenchJobs.conntrackInMemory(env, w, c));
        }

        private BenchRun count(String name, Workload w) throws Exception {
            Configuration c = local(1, false);
            return timed(name, w, 1, c, env -> BenchJobs.countInMemory(env, w));
        }

        /** Runs an in-memory job; the measured part is from the end of its warm-up to its end. */
        private BenchRun timed(
                String name, Workload w, int parallelism, Configuration c, Consumer<StreamExecutionEnvironment> job)
                throws Exception {
            err.printf("bench: %s: %,d packets...%n", name, w.packets());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, c);
            job.accept(env);
            BenchJobs.Clock.reset();
            BenchRun.resetHeapPeak();
            long cpu0 = BenchRun.processCpuNanos();
            long wall0 = System.nanoTime();
            env.execute("bench " + name);
            long end = BenchJobs.Clock.FINISHED.get() > 0 ? BenchJobs.Clock.FINISHED.get() : System.nanoTime();
            long start = BenchJobs.Clock.WARMED_UP.get() > 0 ? BenchJobs.Clock.WARMED_UP.get() : wall0;
            long cpu = BenchRun.processCpuNanos() - cpu0;
            // CPU is counted over the whole run; scale it to the measured part's share of the packets.
            long measured = w.packets() - w.warmup();
            BenchRun r = new BenchRun(
                    name, measured, (end - start) / 1e9, cpu / 1e9 * measured / w.packets(), BenchRun.heapPeak());
            runs.add(r);
            err.println("  " + r.line());
            return r;
        }

        /** The full job and the passthrough job over the same records in the in-JVM broker. */
        private BenchRun[] kafka() throws Exception {
            Path dir = Files.createTempDirectory("nfct-bench-");
            try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), Map.of())) {
                Topics topics = Topics.defaults().withPrefix("bench.");
                TopicSetup.createAll(topics, kafka, 1);
                kafka.createTopic("bench.passthrough", 1, Map.of());
                Workload w = new Workload(Workload.Kind.MIX, plan.kafkaPackets(), 1, plan.smallTable());
                fill(kafka, topics.packets(), w);
                BenchRun full = kafkaRun("full job, Kafka in and out, mix, p1", kafka, topics, dir, w, false);
                BenchRun pass = kafkaRun("passthrough, Kafka in and out, mix, p1", kafka, topics, dir, w, true);
                return new BenchRun[] {full, pass};
            } finally {
                deleteTree(dir);
            }
        }

        private BenchRun kafkaRun(String name, EmbeddedKafka kafka, Topics topics, Path dir, Workload w, boolean pass)
                throws Exception {
            err.printf("bench: %s: %,d packets...%n", name, w.packets());
            Configuration c = local(1, false);
            c.set(KafkaJobOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            c.set(KafkaJobOptions.TOPIC_PREFIX, "bench.");
            c.set(KafkaJobOptions.BOUNDED, true);
            c.set(KafkaJobOptions.GROUP_ID, "bench-" + (pass ? "pass" : "full"));
            c.set(KafkaJobOptions.STARTING_OFFSETS, KafkaJobOptions.StartingOffsets.EARLIEST);
            c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
            c.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    dir.resolve("checkpoints").toUri().toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, c);
            if (pass) {
                BenchJobs.passthroughKafka(env, c, "bench.passthrough");
            } else {
                BenchJobs.conntrackKafka(env, c);
            }
            BenchRun.resetHeapPeak();
            long cpu0 = BenchRun.processCpuNanos();
            JobExecutionResult result = env.execute("bench " + name);
            long cpu = BenchRun.processCpuNanos() - cpu0;
            BenchRun r = new BenchRun(
                    name,
                    w.packets(),
                    result.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3,
                    cpu / 1e9,
                    BenchRun.heapPeak());
            runs.add(r);
            err.println("  " + r.line());
            return r;
        }

        /** Writes the workload to the packet topic, keyed by host, as {@code send} does (not timed). */
        private void fill(EmbeddedKafka kafka, String topic, Workload w) {
            err.printf("bench: writing %,d packets to the in-JVM broker...%n", w.packets());
            Map<String, Object> c = new HashMap<>(kafka.clientConfig());
            c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            c.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
            c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            AvroSingleObjectSerializer<PacketEvent> ser = new AvroSingleObjectSerializer<>(PacketEvent.class);
            Packet scratch = new Packet();
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c)) {
                for (long i = 0; i < w.packets(); i++) {
                    PacketEvent e = w.packet(i, scratch);
                    p.send(new ProducerRecord<>(topic, e.getHost().getBytes(StandardCharsets.UTF_8), ser.serialize(e)));
                }
                p.flush();
            }
        }

        private static void deleteTree(Path dir) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (Exception ignored) {
                // a temporary folder
            }
        }
    }
}
