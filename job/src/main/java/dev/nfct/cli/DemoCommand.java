package dev.nfct.cli;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.FlowEvent;
import dev.nfct.flink.Checkpoints;
import dev.nfct.flink.KafkaConntrackJob;
import dev.nfct.flink.KafkaJobOptions;
import dev.nfct.flink.format.AvroSingleObjectDeserializer;
import dev.nfct.flink.io.Topics;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.kafka.CommittedReader;
import dev.nfct.kafka.EmbeddedKafka;
import dev.nfct.kafka.PacketSender;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.pcap.PcapFormatException;
import dev.nfct.replay.Timing;
import dev.nfct.schema.FlowEvents;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code demo [--pcap FILE] [--once] [--timing top|capture]}: everything in one JVM. A real Kafka
 * broker (KRaft, in-process) is started, the topics created, a capture (the bundled sample by
 * default) sent to the packet topic, and the job run on a local Flink MiniCluster; the flow events
 * read back from the output topic are printed as {@code conntrack -E -o extended} prints them.
 *
 * <p>Without {@code --once} it runs until stopped, with Flink's web UI. With {@code --once} (a
 * contract other tools build on) it exits 0 once every packet of the capture has been processed and
 * the resulting events are committed; live entries stay, as after {@code replay}.
 */
final class DemoCommand {
    static final String BUNDLED_SAMPLE = "/samples/sample.pcap";
    private static final String HOST = "demo-host";

    private DemoCommand() {}

    static String usage() {
        return "usage: demo [--pcap FILE] [--once] [--timing top|capture] [--web-port PORT]\n"
                + "\n"
                + "Starts an in-JVM Kafka broker and a local Flink cluster, sends a capture (the bundled\n"
                + "sample by default) through Kafka and the conntrack job, and prints the flow events\n"
                + "read back from the output topic as `conntrack -E -o extended` does.\n"
                + "\n"
                + "  --pcap FILE      capture to send instead of the bundled sample; a capture of NFLOG\n"
                + "                   records (a host's hook observations, see send --help) goes as such\n"
                + "  --once           exit once every packet is processed and its events committed: 0,\n"
                + "                   or 1 (saying how many and why) if packets went to dead letters\n"
                + "  --timing top     (default) the capture as a top-speed replay: one instant\n"
                + "  --timing capture the capture's own timestamps (the default for hook observations)\n"
                + "  --web-port PORT  Flink web UI port without --once (default 8081, or the next free\n"
                + "                   one up to 8090)\n"
                + "  --web-address A  address the web UI listens on (default 127.0.0.1: it accepts jar\n"
                + "                   uploads, so it is not opened to the network unless asked)\n";
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = new Args(
                    argv,
                    Set.of("--pcap", "--timing", "--web-port", "--web-address"),
                    Set.of("--once", "--help", "-h"));
        } catch (IllegalArgumentException e) {
            err.println("demo: " + e.getMessage() + " (see demo --help)");
            return 2;
        }
        if (args.has("--help") || args.has("-h")) {
            out.print(usage());
            return 0;
        }
        Timing timing;
        WebUi web;
        boolean once = args.has("--once");
        String pcap = args.get("--pcap", null);
        boolean hooks = pcap != null && CaptureInput.holdsHooks(Path.of(pcap));
        try {
            // A host's hook observations keep their own times: drops and loopback depend on them.
            timing = Timing.parse(args.get("--timing", hooks ? "capture" : "top"));
            web = once ? null : WebUi.choose(args.get("--web-address", "127.0.0.1"), args.get("--web-port", null));
            if (once && (args.has("--web-port") || args.has("--web-address"))) {
                throw new IllegalArgumentException("--web-port and --web-address are for the demo without --once");
            }
        } catch (IllegalArgumentException e) {
            err.println("demo: " + e.getMessage());
            return 2;
        }
        Path checkpoints = null;
        // The capture is opened (and its header read) before anything starts: a wrong file fails at once.
        try (CaptureInput capture = open(pcap);
                EmbeddedKafka kafka = EmbeddedKafka.start()) {
            // One partition per topic: the demo prints events in the order the job made them.
            Topics topics = Topics.defaults();
            TopicSetup.createAll(topics, kafka, 1);
            // The capture as if it were happening now: the events' times are today's, and a capture
            // whose clock starts at 0 works as any other.
            long sent = capture.sendWith(new PacketSender(
                    topics.packets(),
                    HOST,
                    PacketSender.Clock.startingNow(timing),
                    0,
                    new java.util.HashMap<>(kafka.clientConfig())));
            err.println("demo: sent " + sent + " packets of " + (pcap == null ? "the bundled sample" : pcap) + " to "
                    + topics.packets() + " on " + kafka.bootstrapServers());

            Configuration conf = new Configuration();
            // Checkpoints on disk (memory holds at most 5 MB of state), removed when the demo ends.
            checkpoints = Files.createTempDirectory("nfct-demo-checkpoints");
            Checkpoints.localDefaults(conf, checkpoints);
            // One host, sent in capture order: no out-of-orderness to allow for, so the host's clock is
            // its newest packet's time and entries expire exactly where replay expires them.
            conf.set(ConntrackOptions.OUT_OF_ORDERNESS, Duration.ZERO);
            conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_acct"), 1);
            conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_timestamp"), 1);
            // As replay: a capture's own packets may carry checksums its host's NIC was to fill
            // in (transmit offload), which that host's kernel never checked.
            conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_checksum"), 0);
            StreamExecutionEnvironment env;
            if (once) {
                env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            } else {
                conf.set(RestOptions.BIND_ADDRESS, web.address());
                conf.set(RestOptions.ADDRESS, web.address());
                conf.set(RestOptions.BIND_PORT, Integer.toString(web.port()));
                env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
                env.setParallelism(1);
            }
            env.enableCheckpointing(once ? 500 : 1000);
            conf.set(KafkaJobOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            conf.set(KafkaJobOptions.BOUNDED, once);
            conf.set(KafkaJobOptions.GROUP_ID, "nfct-demo");
            // The demo reads its topic from the start every time: no group offsets to keep (and no
            // warnings while the fresh broker's group coordinator is still loading).
            conf.set(KafkaJobOptions.STARTING_OFFSETS, KafkaJobOptions.StartingOffsets.EARLIEST);
            conf.set(KafkaJobOptions.COMMIT_OFFSETS, false);
            KafkaConntrackJob.addTo(env, conf);
            JobClient job = env.executeAsync("nfct conntrack demo");
            var result = job.getJobExecutionResult();
            if (!once) {
                err.println("demo: job running; Flink web UI on " + web.url() + "; Ctrl-C to stop");
            }
            try (CommittedReader reader = new CommittedReader(topics.flowEvents(), kafka.clientConfig())) {
                AvroSingleObjectDeserializer<FlowEvent> flows = new AvroSingleObjectDeserializer<>(FlowEvent.class);
                flows.open(null);
                boolean finished = false;
                while (true) {
                    for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                        out.println(FlowEvents.conntrackLine(flows.deserialize(r.value()), true));
                    }
                    out.flush();
                    if (once) {
                        if (!finished && result.isDone()) {
                            result.get(); // rethrows the job's failure, if any
                            finished = true;
                        }
                        if (finished && reader.atEnd()) {
                            return accountFor(sent, topics, kafka, err);
                        }
                    }
                }
            }
        } catch (NoSuchFileException e) {
            err.println("demo: " + pcap + ": no such file");
            return 1;
        } catch (PcapFormatException e) {
            err.println("demo: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("demo: failed: " + Checkpoints.explain(e));
            return 1;
        } finally {
            deleteTree(checkpoints);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // Left in the temporary directory: nothing the user needs to hear about.
        }
    }

    /**
     * Every packet sent must be accounted for: the only way one leaves the job without its effect
     * on the table is the dead-letter topic. 0 when it is empty; otherwise says how many packets
     * went there and why, and gives 1.
     */
    static int accountFor(long sent, Topics topics, EmbeddedKafka kafka, PrintStream err) {
        AvroSingleObjectDeserializer<DeadLetter> letters = new AvroSingleObjectDeserializer<>(DeadLetter.class);
        letters.open(null);
        Map<String, Integer> reasons = new TreeMap<>();
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r :
                CommittedReader.readAll(topics.deadLetters(), kafka.clientConfig(), 0, Duration.ofSeconds(10))) {
            DeadLetter d = letters.decodeOrNull(r.value(), new StringBuilder());
            reasons.merge(d == null ? "undecodable dead letter" : d.getReason(), 1, Integer::sum);
            n++;
        }
        if (n == 0) {
            return 0;
        }
        err.println("demo: " + n + " of " + sent + " packets went to dead letters instead of the table: " + reasons);
        return 1;
    }

    private static CaptureInput open(String pcap) throws java.io.IOException {
        if (pcap != null) {
            return CaptureInput.open(Path.of(pcap));
        }
        InputStream in = DemoCommand.class.getResourceAsStream(BUNDLED_SAMPLE);
        if (in == null) {
            throw new NoSuchFileException("bundled sample " + BUNDLED_SAMPLE + " (not in this jar)");
        }
        return CaptureInput.of(in, "bundled sample.pcap");
    }
}
