package dev.nfct.cli;

import dev.nfct.flink.KafkaConntrackJob;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.kafka.Topics;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

/**
 * {@code run --bootstrap-servers HOST:PORT [options]}: the job against any Kafka cluster. Under
 * {@code java -jar} it runs on a local MiniCluster; submitted with {@code flink run} (the
 * {@code -Pcluster} jar) it runs on that cluster, which then also supplies Flink itself.
 */
final class RunCommand {
    private RunCommand() {
    }

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
                + "                                 (every conntrack sysctl is conntrack.<sysctl name>)\n";
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = new Args(argv, Set.of("--bootstrap-servers", "--topic-prefix", "--create-topics", "--group",
                    "--state-backend", "--checkpoint-interval", "--checkpoint-dir", "--parallelism",
                    "--out-of-orderness", "--idleness", "--set"), Set.of("--help", "-h"));
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
        KafkaConntrackJob.Options o = new KafkaConntrackJob.Options();
        try {
            for (String kv : args.all("--set")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--set needs KEY=VALUE, not '" + kv + "'");
                }
                conf.setString(kv.substring(0, eq), kv.substring(eq + 1));
            }
            // Reading every conntrack option now turns a typo'd value into a usage error, not a job failure.
            ConntrackOptions.settings(conf);
            String backend = args.get("--state-backend", "hashmap");
            if (!backend.equals("hashmap") && !backend.equals("rocksdb")) {
                throw new IllegalArgumentException("--state-backend must be hashmap or rocksdb");
            }
            conf.set(StateBackendOptions.STATE_BACKEND, backend);
            if (args.has("--checkpoint-dir")) {
                conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, args.get("--checkpoint-dir", null));
            }
            o.bootstrapServers = bootstrap;
            o.topics = Topics.defaults().withPrefix(args.get("--topic-prefix", ""));
            o.groupId = args.get("--group", o.groupId);
            o.transactionalIdPrefix = o.groupId;
            o.fromEarliest = false;
            o.outOfOrderness = duration(args.get("--out-of-orderness", "2s"));
            o.idleness = duration(args.get("--idleness", "5s"));
        } catch (IllegalArgumentException e) {
            err.println("run: " + e.getMessage());
            return 2;
        }
        try {
            if (args.has("--create-topics")) {
                int partitions = Integer.parseInt(args.get("--create-topics", "4"));
                var created = o.topics.ensureTopics(bootstrap, partitions);
                err.println("run: created topics " + created);
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.enableCheckpointing(duration(args.get("--checkpoint-interval", "10s")).toMillis());
            if (args.has("--parallelism")) {
                env.setParallelism(Integer.parseInt(args.get("--parallelism", "1")));
            }
            KafkaConntrackJob.addTo(env, o);
            env.execute("nfct conntrack");
            return 0;
        } catch (Exception e) {
            err.println("run: job failed: " + e);
            return 1;
        }
    }

    private static Duration duration(String s) {
        try {
            return org.apache.flink.util.TimeUtils.parseDuration(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is not a duration (e.g. 500ms, 10s, 1min)");
        }
    }
}
