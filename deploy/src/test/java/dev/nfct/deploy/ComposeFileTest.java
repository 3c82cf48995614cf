package dev.nfct.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The top-level docker-compose.yml: valid for Debian's docker-compose, and keeping its rules. */
class ComposeFileTest {
    private static final Path ROOT = SharedData.projectRoot();

    private static String compose() throws Exception {
        return Files.readString(ROOT.resolve("docker-compose.yml"));
    }

    /** docker-compose's verdict on {@code yaml}, placed where the real file is (its paths resolve). */
    private static DeployTools.Result check(String yaml, Path dir) throws Exception {
        Path f = dir.resolve("docker-compose.yml");
        Files.writeString(f, yaml);
        return DeployTools.run(
                ROOT, "docker-compose", "-f", f.toString(), "--project-directory", ROOT.toString(), "config", "-q");
    }

    @Test
    void dockerComposeAcceptsTheFileAndRefusesABrokenCopy(@TempDir Path dir) throws Exception {
        DeployTools.require("docker-compose", "docker-compose");
        DeployTools.Result good = check(compose(), dir);
        assertThat(good.status()).as(good.output()).isZero();
        String broken =
                compose().replace("  taskmanager:\n    <<: *nfct", "  taskmanager:\n    <<: *nfct\n    memswap: [");
        DeployTools.Result bad = check(broken, dir);
        assertThat(bad.status()).as("a broken copy is refused").isNotZero();
        String unknownKey =
                compose().replace("    command: taskmanager\n", "    command: taskmanager\n    restrat: always\n");
        assertThat(check(unknownKey, dir).status())
                .as("a misspelt key is refused")
                .isNotZero();
    }

    @Test
    void theFileKeepsItsRules() throws Exception {
        assertThat(ComposeRules.violations(compose(), ROOT)).isEmpty();
    }

    @Test
    void eachRuleCatchesABrokenCopy() throws Exception {
        String c = compose();
        Map<String, String> broken = Map.of(
                "waits only for the start",
                        c.replace(
                                "      jobmanager:\n        condition: service_healthy\n    environment",
                                "      - jobmanager\n    environment"),
                "with condition service_started",
                        c.replace("condition: service_completed_successfully", "condition: service_started"),
                "beyond this machine", c.replace("\"127.0.0.1:8081:8081\"", "\"8081:8081\""),
                "which is not in the project", c.replace("./deploy/compose/produce.sh", "./deploy/compose/missing.sh"),
                "is not a UUID in base64", c.replaceAll("CLUSTER_ID: \\S+", "CLUSTER_ID: nfct-compose-kraft-01"),
                "has no pinned tag", c.replace("image: prom/prometheus:v3.5.0", "image: prom/prometheus:latest"),
                "has no healthcheck",
                        c.replace(
                                "    healthcheck:\n      # The TaskManager's",
                                "    x-no-healthcheck:\n      # The TaskManager's"));
        DeployTools.assertEachRuleBreaks(c, broken, f -> ComposeRules.violations(f, ROOT));
    }

    @Test
    void theFlinkServicesCheckpointToTheirVolumeWithRocksDbAndExportMetrics() throws Exception {
        String c = compose();
        for (String key : new String[] {
            "state.backend.type: rocksdb",
            "execution.checkpointing.dir: file:///flink-data/checkpoints",
            "execution.checkpointing.savepoint-dir: file:///flink-data/savepoints",
            "metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory"
        }) {
            assertThat(c).contains(key);
        }
        assertThat(c).contains("KAFKA_TRANSACTION_MAX_TIMEOUT_MS: 3600000");
    }
}
