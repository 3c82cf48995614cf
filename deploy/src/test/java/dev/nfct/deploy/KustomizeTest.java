package dev.nfct.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** k8s/: every overlay builds with kustomize, and what it builds keeps {@link KubernetesRules}. */
class KustomizeTest {
    private static final Path K8S = SharedData.projectRoot().resolve("k8s");
    private static FlinkKeys flink;

    @BeforeAll
    static void readFlinksOptions() throws Exception {
        flink = new FlinkKeys();
    }

    private static DeployTools.Result build(Path overlay) throws Exception {
        return DeployTools.run(overlay, "kubectl", "kustomize", overlay.toString());
    }

    /** A copy of k8s/ to break. */
    private static Path copy(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(K8S)) {
            for (Path p : s.toList()) {
                Path to = dir.resolve(K8S.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return dir;
    }

    @Test
    void everyOverlayBuildsAndKeepsTheRules() throws Exception {
        DeployTools.require("kubectl", "kubernetes-client");
        for (String overlay : new String[] {"small", "large"}) {
            DeployTools.Result r = build(K8S.resolve("overlays").resolve(overlay));
            assertThat(r.status()).as("%s: %s", overlay, r.output()).isZero();
            assertThat(KubernetesRules.violations(r.output(), flink))
                    .as(overlay)
                    .isEmpty();
        }
    }

    @Test
    void aBrokenKustomizationIsRefused(@TempDir Path dir) throws Exception {
        DeployTools.require("kubectl", "kubernetes-client");
        Path k = copy(dir);
        Path base = k.resolve("base/kustomization.yaml");
        Files.writeString(base, Files.readString(base).replace("podmonitor.yaml", "podmonitors.yaml"));
        assertThat(build(k.resolve("overlays/small")).status()).isNotZero();
    }

    @Test
    void eachRuleCatchesABrokenCopy(@TempDir Path dir) throws Exception {
        DeployTools.require("kubectl", "kubernetes-client");
        String built = build(K8S.resolve("overlays/small")).output();
        Map<String, String> broken = Map.of(
                "not v2_2", built.replace("flinkVersion: v2_2", "flinkVersion: v1_20"),
                "not savepoint", built.replace("upgradeMode: savepoint", "upgradeMode: stateless"),
                "not durable storage", built.replace("s3://nfct-flink/checkpoints", "file:///tmp/checkpoints"),
                "deprecated in this Flink", built.replace("execution.checkpointing.dir:", "state.checkpoints.dir:"),
                "holds a credential", built.replace("password=\"${env:KAFKA_PASSWORD}\"", "password=\"hunter2\""),
                "not compacted", built.replace("cleanup.policy: compact", "cleanup.policy: delete"),
                "leaves subtasks idle", built.replace("parallelism: 2", "parallelism: 4"),
                "which the pods do not name", built.replace("port: metrics", "port: prometheus"));
        DeployTools.assertEachRuleBreaks(built, broken, f -> KubernetesRules.violations(f, flink));
    }
}
