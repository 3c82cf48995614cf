package dev.nfct.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What a built k8s/ overlay must be: one FlinkDeployment for the operator (Flink 2.2, application
 * mode with the image's job jar, savepoint upgrades, Kubernetes HA, RocksDB with incremental
 * checkpoints to durable storage, the Prometheus reporter, only keys this Flink knows under their
 * current names), the four Strimzi topics (the table compacted, a partition per subtask at least),
 * a PodMonitor that finds the pods' metrics port, and no credential written into any file.
 */
final class KubernetesRules {
    private KubernetesRules() {}

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parseAll(String yaml) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
            if (o != null) {
                out.add((Map<String, Object>) o);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Object at(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) {
            if (!(o instanceof Map<?, ?> map)) {
                return null;
            }
            o = ((Map<String, Object>) map).get(p);
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    static List<String> violations(String builtYaml, FlinkKeys flink) {
        List<String> out = new ArrayList<>();
        List<Map<String, Object>> all = parseAll(builtYaml);
        List<Map<String, Object>> deployments = all.stream()
                .filter(r -> "FlinkDeployment".equals(r.get("kind")))
                .toList();
        if (deployments.size() != 1) {
            out.add("FlinkDeployment: " + deployments.size() + " of them, not one");
            return out;
        }
        Map<String, Object> d = deployments.get(0);
        expect(out, d, "flink.apache.org/v1beta1", "apiVersion");
        expect(out, d, "v2_2", "spec", "flinkVersion");
        expect(out, d, "savepoint", "spec", "job", "upgradeMode");
        expect(out, d, "local:///opt/flink/usrlib/conntrack-job.jar", "spec", "job", "jarURI");
        Map<String, Object> conf = (Map<String, Object>) at(d, "spec", "flinkConfiguration");
        Map<String, String> wanted = Map.of(
                "high-availability.type", "kubernetes",
                "state.backend.type", "rocksdb",
                "execution.checkpointing.incremental", "true",
                "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        for (var w : wanted.entrySet()) {
            if (!w.getValue().equals(String.valueOf(conf.get(w.getKey())))) {
                out.add("FlinkDeployment: " + w.getKey() + " is " + conf.get(w.getKey()) + ", not " + w.getValue());
            }
        }
        for (String dir : new String[] {
            "execution.checkpointing.dir", "execution.checkpointing.savepoint-dir", "high-availability.storageDir"
        }) {
            String v = String.valueOf(conf.get(dir));
            if (v.equals("null") || v.startsWith("file:") || v.startsWith("/")) {
                out.add("FlinkDeployment: " + dir + " is " + v + ", not durable storage shared by the pods");
            }
        }
        for (var e : conf.entrySet()) {
            String k = e.getKey();
            if (!k.startsWith("conntrack.") && !flink.known(k)) {
                out.add("FlinkDeployment: " + flink.why(k));
            }
            String v = String.valueOf(e.getValue()).toLowerCase();
            if ((k.contains("password") || v.contains("password="))
                    && !v.matches(".*password=\"\\$\\{env:[a-z_]+\\}\".*")) {
                out.add("FlinkDeployment: " + k + " holds a credential: take it from a Secret");
            }
        }
        int parallelism = ((Number) at(d, "spec", "job", "parallelism")).intValue();
        List<Map<String, Object>> topics =
                all.stream().filter(r -> "KafkaTopic".equals(r.get("kind"))).toList();
        List<String> names = new ArrayList<>();
        for (Map<String, Object> t : topics) {
            String name = String.valueOf(at(t, "spec", "topicName"));
            names.add(name);
            expect(out, t, "kafka.strimzi.io/v1", "apiVersion");
            if (at(t, "metadata", "labels", "strimzi.io/cluster") == null) {
                out.add("KafkaTopic " + name + ": no strimzi.io/cluster label");
            }
            Object partitions = at(t, "spec", "partitions");
            if (name.equals("conntrack.packets") && (!(partitions instanceof Number p) || p.intValue() < parallelism)) {
                out.add("KafkaTopic conntrack.packets: " + partitions + " partitions for parallelism " + parallelism
                        + " leaves subtasks idle");
            }
            if (name.equals("conntrack.table") && !"compact".equals(at(t, "spec", "config", "cleanup.policy"))) {
                out.add("KafkaTopic conntrack.table: not compacted");
            }
        }
        if (!names.containsAll(
                List.of("conntrack.packets", "conntrack.flow-events", "conntrack.table", "conntrack.dead-letters"))) {
            out.add("KafkaTopic: the four topics are not all there: " + names);
        }
        List<Map<String, Object>> monitors =
                all.stream().filter(r -> "PodMonitor".equals(r.get("kind"))).toList();
        String ports = String.valueOf(at(d, "spec", "podTemplate", "spec", "containers"));
        if (monitors.isEmpty()) {
            out.add("PodMonitor: none");
        }
        for (Map<String, Object> m : monitors) {
            expect(out, m, String.valueOf(at(d, "metadata", "name")), "spec", "selector", "matchLabels", "app");
            for (Object ep : (List<Object>) at(m, "spec", "podMetricsEndpoints")) {
                Object port = ((Map<String, Object>) ep).get("port");
                if (!ports.contains("name=" + port)) {
                    out.add("PodMonitor: scrapes port " + port + ", which the pods do not name");
                }
            }
        }
        return out;
    }

    private static void expect(List<String> out, Map<String, Object> r, String want, String... path) {
        Object got = at(r, path);
        if (!want.equals(String.valueOf(got))) {
            out.add(r.get("kind") + ": " + String.join(".", path) + " is " + got + ", not " + want);
        }
    }
}
