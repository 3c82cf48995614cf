package dev.nfct.cli;

import dev.nfct.flink.Checkpoints;
import dev.nfct.flink.KafkaConntrackJob;
import dev.nfct.flink.KafkaJobOptions;
import dev.nfct.flink.format.WireFormat;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.kafka.KafkaReach;
import dev.nfct.kafka.KafkaUnavailableException;
import dev.nfct.kafka.TopicSetup;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code run --bootstrap-servers HOST:PORT [options]}: the job against any Kafka cluster. Under
 * {@code java -jar} it runs on a local MiniCluster. Every flag sets a Flink option
 * ({@link KafkaJobOptions}); on a cluster, the same jar takes the same options.
 */
final class RunCommand {
    /** More partitions than anyone needs for packet metadata, and few enough not to hurt a broker. */
    static final int MAX_PARTITIONS = 10_000;

    /** Checkpoints go here, under the working directory, unless --checkpoint-dir says otherwise. */
    static final String DEFAULT_CHECKPOINT_DIR = "nfct-checkpoints";

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
                + "  --create-topics N              create missing topics with N partitions first (1 to\n"
                + "                                 " + MAX_PARTITIONS + "); without it the four topics must exist\n"
                + "  --group ID                     consumer group of the packet source (default nfct-conntrack)\n"
                + "  --state-backend hashmap|rocksdb  keyed state on the heap (default) or in RocksDB\n"
                + "  --checkpoint-interval DURATION default 10s; exactly-once output commits with checkpoints\n"
                + "  --checkpoint-dir URI           where checkpoints go (default ./nfct-checkpoints); kept\n"
                + "                                 when the job stops: resume with --set\n"
                + "                                 execution.state-recovery.path=DIR/JOB-ID/chk-N\n"
                + "  --parallelism N                1 or more; default: the environment's\n"
                + "  --out-of-orderness DURATION    how far one host's packet times may go back (default 2s);\n"
                + "                                 each host is judged by its own clock\n"
                + "  --set KEY=VALUE                any Flink option, e.g. conntrack.nf_conntrack_acct=1\n"
                + "                                 (every conntrack sysctl is conntrack.<sysctl name>;\n"
                + "                                 an unknown conntrack.* key is an error)\n"
                + KafkaClientArgs.USAGE
                + "  --timeout DURATION             how long to wait for Kafka at start (default 30s)\n"
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
                            "--set",
                            "--timeout",
                            KafkaClientArgs.CONFIG,
                            KafkaClientArgs.PROPERTY,
                            "--schema-registry",
                            "--registry-format",
                            "--registry-auto-register",
                            "--registry-set"),
                    Set.of("--help", "-h"));
        } catch (IllegalArgumentException e) {
            err.println("run: " + e.getMessage() + " (see run --help)");
            return 2;
        }
        if (args.has("--help") || args.has("-h")) {
            out.print(usage());
            return 0;
        }
        String bootstrap = args.get("--bootstrap-servers", null);
        if (bootstrap == null) {
            err.println("run: --bootstrap-servers HOST:PORT is required (see run --help)");
            return 2;
        }
        Configuration conf = new Configuration();
        java.time.Duration checkpointInterval;
        java.time.Duration timeout;
        int parallelism;
        int partitions;
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
            Checkpoints.localDefaults(conf, Path.of(DEFAULT_CHECKPOINT_DIR));
            conf.set(KafkaJobOptions.BOOTSTRAP_SERVERS, bootstrap);
            conf.set(KafkaJobOptions.TOPIC_PREFIX, args.get("--topic-prefix", conf.get(KafkaJobOptions.TOPIC_PREFIX)));
            conf.set(KafkaJobOptions.GROUP_ID, args.get("--group", conf.get(KafkaJobOptions.GROUP_ID)));
            if (args.has("--out-of-orderness")) {
                conf.set(
                        ConntrackOptions.OUT_OF_ORDERNESS,
                        Durations.parse("--out-of-orderness", args.get("--out-of-orderness", null)));
            }
            KafkaClientArgs.parse(args)
                    .forEach((k, v) -> conf.setString(KafkaJobOptions.KAFKA_PROPERTIES_PREFIX + k, v));
            registry(args, conf);
            checkpointInterval = Durations.parse("--checkpoint-interval", args.get("--checkpoint-interval", "10s"));
            if (checkpointInterval.isZero() || checkpointInterval.isNegative()) {
                throw new IllegalArgumentException("--checkpoint-interval must be more than 0");
            }
            parallelism =
                    args.has("--parallelism") ? count("--parallelism", args.get("--parallelism", null), 1, 32768) : 0;
            partitions = args.has("--create-topics")
                    ? count("--create-topics", args.get("--create-topics", null), 1, MAX_PARTITIONS)
                    : 0;
            timeout = Durations.parse("--timeout", args.get("--timeout", "30s"));
            // Reading every option now turns a typo'd value into a usage error, not a job failure.
            KafkaJobOptions.validate(conf);
        } catch (IllegalArgumentException e) {
            err.println("run: " + e.getMessage());
            return 2;
        }
        Map<String, Object> client = new LinkedHashMap<>();
        KafkaJobOptions.kafkaProperties(conf).forEach((k, v) -> client.put((String) k, v));
        client.put("bootstrap.servers", bootstrap);
        try {
            if (partitions > 0) {
                var created = TopicSetup.ensureTopics(KafkaJobOptions.topics(conf), client, partitions, timeout);
                err.println("run: created topics " + created);
            }
            KafkaReach.requireTopics(client, KafkaJobOptions.topics(conf).all(), timeout);
        } catch (KafkaUnavailableException | IllegalStateException e) {
            err.println("run: " + e.getMessage());
            return 1;
        } catch (org.apache.kafka.common.KafkaException e) {
            err.println("run: cannot set up the topics on " + bootstrap + ": " + e.getMessage());
            return 1;
        }
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.enableCheckpointing(checkpointInterval.toMillis());
            if (parallelism > 0) {
                env.setParallelism(parallelism);
            }
            err.println("run: values in " + KafkaJobOptions.valueFormat(conf));
            KafkaConntrackJob.addTo(env, conf);
            env.execute("nfct conntrack");
            return 0;
        } catch (Exception e) {
            err.println("run: job failed: " + Checkpoints.explain(e));
            return 1;
        }
    }

    /** A whole number in [min, max], or a usage error naming the option. */
    private static int count(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(
                option + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
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
}
