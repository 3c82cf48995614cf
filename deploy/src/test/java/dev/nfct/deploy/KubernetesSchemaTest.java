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

/** Every resource k8s/ builds validates against the vendored schema of its kind. */
class KubernetesSchemaTest {
    private static final Path K8S = SharedData.projectRoot().resolve("k8s");
    private static KubernetesSchemas schemas;

    @BeforeAll
    static void readSchemas() throws Exception {
        schemas = new KubernetesSchemas(KubernetesSchemas.DIR);
    }

    private static String build(String overlay) throws Exception {
        DeployTools.require("kubectl", "kubernetes-client");
        Path dir = K8S.resolve(overlay);
        DeployTools.Result r = DeployTools.run(dir, "kubectl", "kustomize", dir.toString());
        assertThat(r.status()).as("%s: %s", overlay, r.output()).isZero();
        return r.output();
    }

    @Test
    void theVendoredSchemasAreTheOnesTheirSourcesPublished() throws Exception {
        assertThat(KubernetesSchemas.provenanceViolations(KubernetesSchemas.DIR))
                .isEmpty();
        assertThat(schemas.kinds())
                .contains(
                        "flink.apache.org/v1beta1 FlinkDeployment",
                        "kafka.strimzi.io/v1 KafkaTopic",
                        "monitoring.coreos.com/v1 PodMonitor",
                        "monitoring.coreos.com/v1 PrometheusRule");
    }

    @Test
    void aChangedOrUnlistedSchemaFileIsNoticed(@TempDir Path dir) throws Exception {
        try (Stream<Path> files = Files.list(KubernetesSchemas.DIR)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path topics = dir.resolve("kafkatopics.kafka.strimzi.io.yaml");
        Files.writeString(topics, Files.readString(topics).replace("type: integer", "type: string"));
        Files.writeString(dir.resolve("secrets.yaml"), "kind: CustomResourceDefinition\n");
        Files.delete(dir.resolve("podmonitors.monitoring.coreos.com.yaml"));
        assertThat(KubernetesSchemas.provenanceViolations(dir))
                .anySatisfy(v -> assertThat(v).startsWith("kafkatopics.kafka.strimzi.io.yaml: checksum"))
                .anySatisfy(v -> assertThat(v).startsWith("secrets.yaml: not listed"))
                .anySatisfy(v -> assertThat(v).startsWith("podmonitors.monitoring.coreos.com.yaml: listed"))
                .hasSize(3);
    }

    @Test
    void everyResourceOfEveryOverlayValidates() throws Exception {
        for (String overlay : new String[] {"base", "overlays/small", "overlays/large"}) {
            String built = build(overlay);
            assertThat(KubernetesRules.parseAll(built)).as(overlay).hasSize(7);
            assertThat(schemas.violations(built)).as(overlay).isEmpty();
        }
    }

    @Test
    void eachKindOfMistakeIsCaught() throws Exception {
        String built = build("overlays/small");
        Map<String, String> broken = Map.of(
                "/spec/job/upgradeMode: does not have a value in the enumeration",
                built.replace("upgradeMode: savepoint", "upgradeMode: sometimes"),
                "/spec/job: property 'paralelism' is not defined",
                built.replace("    parallelism: 2", "    paralelism: 2"),
                "/spec/partitions: string found, integer expected",
                built.replace("partitions: 2", "partitions: two"),
                "/spec/podTemplate/spec/containers/0/env/0/valueFrom: property 'secretRef'",
                built.replaceFirst("secretKeyRef:", "secretRef:"),
                "/spec/podMetricsEndpoints/0/interval: does not match",
                built.replace("interval: 15s", "interval: 15 seconds"),
                "metadata.name is not a DNS subdomain",
                built.replace("name: conntrack-table", "name: conntrack_table"),
                "no schema in deploy/schemas for v1 Secret",
                built + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: nfct-kafka-credentials\n");
        DeployTools.assertEachRuleBreaks(built, broken, schemas::violations);
    }
}
