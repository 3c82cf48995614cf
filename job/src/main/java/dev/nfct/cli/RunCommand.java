package dev.nfct.cli;

import dev.nfct.flink.KafkaConntrackJob;
import dev.nfct.flink.KafkaJobOptions;
import dev.nfct.flink.format.WireFormat;
import dev.nfct.kafka.TopicSetup;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code run --bootstrap-servers HOST:PORT [options]}: the job against any Kafka cluster. Under
 * {@code java -jar} it runs on a local MiniCluster. Every flag sets a Flink option
 * ({@link KafkaJobOptions}); on a cluster, the cluster jar takes the same options.
 */
final class RunCommand {
    private RunCommand() {}

    static String usage() {
        return "usage: run --bootstrap-servers HOST:PORT [options]\n"
                + "\n"
                + "Runs the conntrack job: packet records from Kafka in; flow events, the table\n"
                + "(compacted) and dead letters out, exactly once.\n"
                + "\n"
                + "  --bootstrap-servers HOST:PORT  Kafka to read from and write to (required)\n"
                + "  --topic-prefix P               prefix of the four topic names (default none:\n"
                + "                                 conntrack.packets, conntrack.flow-events,\n"
                + "                                 conntrack.table, conntrack.dead-letters)\n"
                + "  --create-topics N              create missing topics with N partitions first\n"
                + "  --group ID                     consumer group of the packet source (default nfct-conntrack)\n"
                + "  --state-backend hashmap|rocksdb  keyed state on the heap (default) or in RocksDB\n"
                + "  --checkpoint-interval DURATION default 10s; exactly-once output commits with checkpoints\n"
                + "  --checkpoint-dir URI           e.g. file:///var/lib/nfct/checkpoints or s3://...\n"
                + "  --parallelism N                default: the environment's\n"
                + "  --out-of-orderness DURATION    watermark bound (default 2s)\n"
                + "  --idleness DURATION            partitions quiet this long stop holding back time (default 5s)\n"
                + "  --set KEY=VALUE                any Flink option, e.g. conntrack.nf_conntrack_acct=1\n"
                + "                                 (every conntrack sysctl is conntrack.<sysctl name>)\n"
                + "\n"
                + "Value format of every topic: Avro single-object encoding (no registry) unless\n"
                + "  --schema-registry URL          Apicurio Registry Core API, e.g.\n"
                + "                                 http://registry:8080/apis/registry/v3: values are\n"
                + "                                 00 + schema id + Avro body (see docs/SCHEMA-REGISTRY.md)\n"
                + "  --registry-format confluent|apicurio\n"
                + "                                 confluent (default): 4-byte content id, Confluent's\n"
                + "                                 framing and Apicurio 3's default; apicurio: 8-byte\n"
                + "                                 global id (Apicurio 2.x serdes' framing)\n"
                + "  --registry-auto-register true|false\n"
                + "                                 register the output schemas on first use (default true)\n"
                + "  --registry-set KEY=VALUE       any Apicurio serde setting, e.g.\n"
                + "                                 apicurio.registry.auth.username=...\n";
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = new Args(
                    argv,
                    Set.of(
                            "--bootstrap-servers",
                            "--topic-prefix",
                            "--create-topics",
                            "--group",
                            "--state-backend",
                            "--checkpoint-interval",
                            "--checkpoint-dir",
                            "--parallelism",
                            "--out-of-orderness",
                            "--idleness",
                            "--set",
                            "--schema-registry",
                            "--registry-format",
                            "--registry-auto-register",
                            "--registry-set"),
                    Set.of("--help", "-h"));
        } catch (IllegalArgumentException e) {
            err.println("run: " + e.getMessage() + "\n\n" + usage());
            return 2;
        }
        if (args.has("--help") || args.has("-h")) {
            out.print(usage());
            return 0;
        }
        String bootstrap = args.get("--bootstrap-servers", null);
        if (bootstrap == null) {
            err.println("run: --bootstrap-servers is required\n\n" + usage());
            return 2;
        }
        Configuration conf = new Configuration();
        try {
            // --set first: the flags below name the same options and win over it.
            args.forEachKeyValue("--set", "KEY=VALUE", conf::setString);
            String backend = args.get("--state-backend", "hashmap");
            if (!backend.equals("hashmap") && !backend.equals("rocksdb")) {
                throw new IllegalArgumentException("--state-backend must be hashmap or rocksdb");
            }
            conf.set(StateBackendOptions.STATE_BACKEND, backend);
            if (args.has("--checkpoint-dir")) {
                conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, args.get("--checkpoint-dir", null));
            }
            conf.set(KafkaJobOptions.BOOTSTRAP_SERVERS, bootstrap);
            conf.set(KafkaJobOptions.TOPIC_PREFIX, args.get("--topic-prefix", conf.get(KafkaJobOptions.TOPIC_PREFIX)));
            conf.set(KafkaJobOptions.GROUP_ID, args.get("--group", conf.get(KafkaJobOptions.GROUP_ID)));
            conf.set(KafkaJobOptions.OUT_OF_ORDERNESS, duration(args.get("--out-of-orderness", "2s")));
            conf.set(KafkaJobOptions.IDLENESS, duration(args.get("--idleness", "5s")));
            registry(args, conf);
            // Reading every option now turns a typo'd value into a usage error, not a job failure.
            KafkaJobOptions.validate(conf);
        } catch (IllegalArgumentException e) {
            err.println("run: " + e.getMessage());
            return 2;
        }
        try {
            if (args.has("--create-topics")) {
                int partitions = Integer.parseInt(args.get("--create-topics", "4"));
                var created = TopicSetup.ensureTopics(KafkaJobOptions.topics(conf), bootstrap, partitions);
                err.println("run: created topics " + created);
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.enableCheckpointing(
                    duration(args.get("--checkpoint-interval", "10s")).toMillis());
            if (args.has("--parallelism")) {
                env.setParallelism(Integer.parseInt(args.get("--parallelism", "1")));
            }
            err.println("run: values in " + KafkaJobOptions.valueFormat(conf));
            KafkaConntrackJob.addTo(env, conf);
            env.execute("nfct conntrack");
            return 0;
        } catch (Exception e) {
            err.println("run: job failed: " + e);
            return 1;
        }
    }

    /** The value format flags, as options; a usage error (IllegalArgumentException) when they do not fit. */
    private static void registry(Args args, Configuration conf) {
        boolean registryOption =
                args.has("--registry-format") || args.has("--registry-auto-register") || args.has("--registry-set");
        if (!args.has("--schema-registry")) {
            if (registryOption) {
                throw new IllegalArgumentException("--registry-format, --registry-auto-register and --registry-set "
                        + "need --schema-registry URL");
            }
            return;
        }
        conf.set(KafkaJobOptions.FORMAT, WireFormat.REGISTRY);
        conf.set(KafkaJobOptions.REGISTRY_URL, args.get("--schema-registry", null));
        String format = args.get("--registry-format", "confluent");
        if (!format.equals("confluent") && !format.equals("apicurio")) {
            throw new IllegalArgumentException("--registry-format must be confluent or apicurio, not '" + format + "'");
        }
        conf.set(
                KafkaJobOptions.REGISTRY_FRAMING,
                format.equals("confluent")
                        ? KafkaJobOptions.RegistryFraming.CONFLUENT
                        : KafkaJobOptions.RegistryFraming.APICURIO);
        String auto = args.get("--registry-auto-register", "true");
        if (!auto.equals("true") && !auto.equals("false")) {
            throw new IllegalArgumentException("--registry-auto-register must be true or false, not '" + auto + "'");
        }
        conf.set(KafkaJobOptions.REGISTRY_AUTO_REGISTER, Boolean.parseBoolean(auto));
        args.forEachKeyValue(
                "--registry-set",
                "KEY=VALUE",
                (k, v) -> conf.setString(KafkaJobOptions.REGISTRY_PROPERTIES_PREFIX + k, v));
    }

    private static Duration duration(String s) {
        try {
            return org.apache.flink.util.TimeUtils.parseDuration(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is not a duration (e.g. 500ms, 10s, 1min)");
        }
    }
}
