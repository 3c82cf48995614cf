package dev.nfct.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.flink.io.Topics;
import dev.nfct.kafka.EmbeddedKafka;
import dev.nfct.kafka.EmbeddedKafkaExtension;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.testing.SharedData;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One jar, {@code job/target/conntrack-job.jar}, both ways it runs: as a command ({@code java -jar},
 * which the other jar tests and the demo use) and as a Flink program, the way {@code flink run} and
 * the operator take it from {@code usrlib/}. Here {@code send}, {@code replay} and {@code events}
 * run from the jar as processes, and the job runs from the same jar under Flink's own command line
 * with only Flink on its class path: the entry point from the jar's manifest, the job's classes,
 * the connector and Avro from the jar through Flink's user-code class loader. The events equal what
 * {@code replay} prints.
 */
class OneJarITCase {
    private static final Path JAR = Path.of("target", "conntrack-job.jar");

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path dir;

    @Test
    void theRunnableJarIsAlsoTheFlinkProgram() throws Exception {
        assertThat(JAR).as("the runnable jar (mvn package builds it)").exists();
        EmbeddedKafka kafka = KAFKA.broker();
        String prefix = "onejar.";
        TopicSetup.createAll(Topics.defaults().withPrefix(prefix), kafka, 2);
        String bootstrap = kafka.bootstrapServers();
        String sample = SharedData.sample().toString();
        run("send", "-b", bootstrap, "--topic-prefix", prefix, "--pcap", sample, "--host", "one-jar");

        // Flink's own command line (`flink run`), in a JVM whose class path is what a cluster's
        // lib/ holds: this test's class path without the project's classes and without what the
        // jar must bring itself (the Kafka connector, flink-avro, Avro, kafka-clients).
        // `-t local` runs the job on a cluster of its own in that JVM.
        List<String> flinkOnly = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            boolean jobs = Files.isDirectory(Path.of(entry))
                    || Stream.of(
                                    "nfct-",
                                    "conntrack-",
                                    "flink-connector-kafka-",
                                    "flink-avro-",
                                    "avro-",
                                    "kafka-clients-")
                            .anyMatch(name::startsWith);
            if (!jobs) {
                flinkOnly.add(entry);
            }
        }
        String classPath = String.join(File.pathSeparator, flinkOnly);
        assertThat(classPath).contains("flink-clients-").doesNotContain("flink-connector-kafka-", "/avro-1");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(
                conf.resolve("config.yaml"),
                "taskmanager.numberOfTaskSlots: 2\nparallelism.default: 2\nrest.bind-address: 127.0.0.1\n");
        List<String> flinkRun = new ArrayList<>(List.of(java()));
        // What the Flink distribution's bin/flink passes on Java 17 (env.java.opts.all).
        for (String pkg : List.of(
                "java.lang",
                "java.lang.reflect",
                "java.net",
                "java.io",
                "java.nio",
                "java.text",
                "java.time",
                "java.util",
                "java.util.concurrent",
                "java.util.concurrent.atomic",
                "java.util.concurrent.locks",
                "sun.nio.ch")) {
            flinkRun.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
        }
        flinkRun.addAll(List.of(
                "-cp",
                classPath,
                "org.apache.flink.client.cli.CliFrontend",
                "run",
                "-t",
                "local",
                JAR.toString(),
                "--conntrack.kafka.bootstrap-servers",
                bootstrap,
                "--conntrack.kafka.topic-prefix",
                prefix,
                "--conntrack.kafka.bounded",
                "true",
                "--conntrack.nf_conntrack_acct",
                "1",
                "--conntrack.nf_conntrack_timestamp",
                "1",
                "--execution.checkpointing.interval",
                "300 ms",
                "--execution.checkpointing.dir",
                dir.resolve("checkpoints").toUri().toString()));
        String out = exec(flinkRun, Map.of("FLINK_CONF_DIR", conf.toString()), "flink-run");
        assertThat(out).contains("Job has been submitted with JobID");

        List<String> replay = run("replay", "--pcap", sample);
        assertThat(replay).isNotEmpty();
        assertThat(run(
                        "events",
                        "-b",
                        bootstrap,
                        "--topic-prefix",
                        prefix,
                        "--from-beginning",
                        "--host",
                        "one-jar",
                        "-o",
                        "extended",
                        "--timeout",
                        "3"))
                .containsExactlyInAnyOrderElementsOf(replay);
    }

    /** {@code java -jar conntrack-job.jar ARGS}, which must succeed: its standard output's lines. */
    private List<String> run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        String s = exec(command, Map.of(), args[0]);
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@code command} (bounded: 3 minutes), which must succeed; its standard output. */
    private String exec(List<String> command, Map<String, String> env, String name) throws Exception {
        Path err = dir.resolve("stderr-" + name);
        ProcessBuilder b = new ProcessBuilder(command)
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        b.environment().putAll(env);
        Process p = b.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not finish within 3 minutes");
        }
        String s = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue())
                .as("%s: %s%n%s", name, s, Files.readString(err))
                .isZero();
        return s;
    }
}
