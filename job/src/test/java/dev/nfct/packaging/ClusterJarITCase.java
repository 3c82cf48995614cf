package dev.nfct.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a Flink cluster sees of {@code conntrack-job.jar} (its top level; {@code flink run} and the
 * Kubernetes operator load nothing else) carries no class the cluster already has or must not meet
 * twice: no Kafka broker (and its Scala), no logging backend, no Flink runtime. Checked class by
 * class against the real jars of those libraries, which this module's test classpath holds; and it
 * must carry what the cluster lacks (our code, the Kafka connector, Avro). The rest is in one
 * entry Flink never opens, and the manifest starts each way at its own entry point.
 */
class ClusterJarITCase {
    /** Artifacts whose classes must not be in the cluster jar, by the start of their file names. */
    private static final List<String> FORBIDDEN = List.of(
            "kafka_2.13-",
            "kafka-server-",
            "kafka-raft-",
            "kafka-metadata-",
            "kafka-storage-",
            "kafka-group-coordinator-",
            "kafka-transaction-coordinator-",
            "kafka-coordinator-common-",
            "scala-library-",
            "log4j-core-",
            "log4j-slf4j-impl-",
            "log4j-api-",
            "slf4j-api-",
            "flink-core-",
            "flink-runtime-",
            "flink-streaming-java-",
            "flink-clients-",
            "flink-statebackend-rocksdb-");
    /** Of those, the ones the check must have found on the classpath (or it proves nothing). */
    private static final List<String> MUST_FIND = List.of("kafka_2.13-", "log4j-core-", "flink-runtime-");

    private static Set<String> clusterClasses;
    private static java.util.jar.Attributes manifest;

    @BeforeAll
    static void readTheJar() throws IOException {
        Path jar = Path.of("target", "conntrack-job.jar");
        assertThat(jar).as("the jar (mvn package builds it)").exists();
        clusterClasses = classes(jar);
        try (JarFile j = new JarFile(jar.toFile())) {
            manifest = j.getManifest().getMainAttributes();
            var runtime = j.getEntry("nfct-runtime.jar");
            assertThat(runtime).as("the runtime entry").isNotNull();
            assertThat(runtime.getMethod())
                    .as("stored, so it is copied out as it is")
                    .isEqualTo(ZipEntry.STORED);
            assertThat(j.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".jar")))
                    .as("no other jar inside, and none under lib/, which `flink run` would unpack")
                    .containsExactly("nfct-runtime.jar");
        }
    }

    @Test
    void noBrokerLoggingBackendOrFlinkRuntimeClasses() throws IOException {
        Map<String, List<String>> found = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            for (String prefix : FORBIDDEN) {
                if (name.startsWith(prefix) && name.endsWith(".jar")) {
                    seen.add(prefix);
                    List<String> inside = new ArrayList<>(classes(Path.of(entry)));
                    inside.retainAll(clusterClasses);
                    if (!inside.isEmpty()) {
                        found.put(name, inside.subList(0, Math.min(5, inside.size())));
                    }
                }
            }
        }
        assertThat(seen).as("forbidden libraries located on the classpath").containsAll(MUST_FIND);
        assertThat(found)
                .as("classes of these jars in the cluster jar (first five each)")
                .isEmpty();
    }

    @Test
    void carriesTheJobTheConnectorAndAvroAndStartsTheJob() {
        assertThat(manifest.getValue("Program-Class"))
                .as("what Flink starts (it reads Program-Class before Main-Class)")
                .isEqualTo("dev.nfct.flink.ClusterMain");
        assertThat(manifest.getValue("Main-Class")).isEqualTo("dev.nfct.cli.Main");
        assertThat(manifest.getValue("Launcher-Agent-Class")).isEqualTo("dev.nfct.launch.RuntimeAgent");
        assertThat(clusterClasses)
                .contains(
                        "dev/nfct/flink/ClusterMain.class",
                        "dev/nfct/launch/RuntimeAgent.class",
                        "dev/nfct/core/Conntrack.class",
                        "dev/nfct/avro/PacketEvent.class",
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/apache/kafka/clients/producer/KafkaProducer.class",
                        "org/apache/avro/Schema.class");
    }

    private static Set<String> classes(Path jar) throws IOException {
        Set<String> out = new HashSet<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            j.stream()
                    .map(ZipEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && !n.equals("module-info.class"))
                    .forEach(out::add);
        }
        return out;
    }
}
