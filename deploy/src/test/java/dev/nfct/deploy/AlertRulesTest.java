package dev.nfct.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's alerts (deploy/prometheus/): Prometheus' own promtool accepts the compose stack's
 * configuration and the rules it loads, the rules pass their unit tests, and k8s/ carries the same
 * rules for the Prometheus Operator. Each check is shown failing on a broken copy. (That every
 * metric a rule names is one the job exports is checked by the job module's
 * DashboardMetricsITCase, which runs the job.)
 */
class AlertRulesTest {
    static final Path DIR = SharedData.projectRoot().resolve("deploy/prometheus");
    private static final Path K8S_RULES = SharedData.projectRoot().resolve("k8s/base/prometheusrule.yaml");

    private static DeployTools.Result promtool(Path dir, String... args) throws Exception {
        DeployTools.require("promtool", "prometheus");
        String[] command = Stream.concat(Stream.of("promtool"), Stream.of(args)).toArray(String[]::new);
        return DeployTools.run(dir, command);
    }

    /** A copy of deploy/prometheus/ to break. */
    private static Path copy(Path to) throws Exception {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    @Test
    void promtoolAcceptsTheConfigurationAndTheRulesPassTheirTests() throws Exception {
        DeployTools.Result config = promtool(DIR, "check", "config", "prometheus.yml");
        assertThat(config.status()).as(config.output()).isZero();
        assertThat(config.output()).contains("1 rule files found");
        DeployTools.Result tests = promtool(DIR, "test", "rules", "nfct-alerts.test.yml");
        assertThat(tests.status()).as(tests.output()).isZero();
    }

    @Test
    void aBrokenRuleOrAChangedThresholdIsCaught(@TempDir Path dir) throws Exception {
        Path rules = copy(dir).resolve("nfct-alerts.yml");
        String original = Files.readString(rules);

        Files.writeString(rules, original.replace("> 500", "> (500"));
        assertThat(promtool(dir, "check", "config", "prometheus.yml").status())
                .as("an expression that does not parse")
                .isNotZero();

        Files.writeString(rules, original.replace("> 500", "> 900"));
        assertThat(promtool(dir, "check", "config", "prometheus.yml").status())
                .as("a valid rule")
                .isZero();
        DeployTools.Result tests = promtool(dir, "test", "rules", "nfct-alerts.test.yml");
        assertThat(tests.status()).as("a threshold its tests do not expect").isNotZero();
        assertThat(tests.output()).contains("NfctBackpressured");

        Files.delete(rules);
        assertThat(promtool(dir, "check", "config", "prometheus.yml").status())
                .as("a configuration whose rule file is missing")
                .isNotZero();
    }

    @Test
    void kubernetesCarriesTheSameRules() throws Exception {
        assertThat(differences(Files.readString(K8S_RULES), Files.readString(DIR.resolve("nfct-alerts.yml"))))
                .isEmpty();
    }

    @Test
    void rulesThatDifferAreCaught() throws Exception {
        String k8s = Files.readString(K8S_RULES);
        String rules = Files.readString(DIR.resolve("nfct-alerts.yml"));
        assertThat(differences(k8s.replace("for: 6h", "for: 1h"), rules)).isNotEmpty();
        assertThat(differences(k8s.replace("kind: PrometheusRule", "kind: PodMonitor"), rules))
                .isNotEmpty();
    }

    /** Why the PrometheusRule {@code k8s} does not carry exactly the groups of {@code rules}. */
    @SuppressWarnings("unchecked")
    static List<String> differences(String k8s, String rules) {
        Map<String, Object> rule = KubernetesRules.parseAll(k8s).get(0);
        if (!"PrometheusRule".equals(rule.get("kind"))) {
            return List.of("k8s/base/prometheusrule.yaml is a " + rule.get("kind") + ", not a PrometheusRule");
        }
        Object groups = KubernetesRules.at(rule, "spec", "groups");
        Object expected = KubernetesRules.parseAll(rules).get(0).get("groups");
        return groups != null && groups.equals(expected)
                ? List.of()
                : List.of("the PrometheusRule's groups differ from deploy/prometheus/nfct-alerts.yml");
    }
}
