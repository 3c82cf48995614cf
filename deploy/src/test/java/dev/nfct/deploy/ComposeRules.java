package dev.nfct.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What the project's compose file promises beyond being valid: every dependency waits for health
 * or completion, every published port is on loopback only, every file it mounts exists, every
 * image it pulls has a pinned tag, a Kafka cluster id is one Kafka can format storage for. {@link #violations} lists what breaks a rule, one line each.
 */
final class ComposeRules {
    private static final Set<String> WAITING = Set.of("service_healthy", "service_completed_successfully");

    private ComposeRules() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String yaml) {
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
    }

    /** What kafka-storage.sh accepts as a cluster id: 16 bytes in URL-safe base64 without padding. */
    static boolean isKafkaClusterId(String id) {
        try {
            return id.length() == 22 && java.util.Base64.getUrlDecoder().decode(id).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> violations(String yaml, Path projectDir) {
        List<String> out = new ArrayList<>();
        Map<String, Object> services = (Map<String, Object>) parse(yaml).get("services");
        for (var e : services.entrySet()) {
            String name = e.getKey();
            Map<String, Object> s = (Map<String, Object>) e.getValue();
            Object deps = s.get("depends_on");
            if (deps instanceof List<?>) {
                out.add(name + ": depends_on is a list, so it waits only for the start, not for health or completion");
            } else if (deps instanceof Map<?, ?> m) {
                for (var d : ((Map<String, Object>) m).entrySet()) {
                    Object condition = ((Map<String, Object>) d.getValue()).get("condition");
                    Map<String, Object> target = (Map<String, Object>) services.get(d.getKey());
                    if (!WAITING.contains(String.valueOf(condition))) {
                        out.add(name + ": depends on " + d.getKey() + " with condition " + condition
                                + ", not service_healthy or service_completed_successfully");
                    } else if (target == null) {
                        out.add(name + ": depends on " + d.getKey() + ", which is no service");
                    } else if (condition.equals("service_healthy") && !target.containsKey("healthcheck")) {
                        out.add(name + ": waits for " + d.getKey() + " to be healthy, and it has no healthcheck");
                    }
                }
            }
            for (Object port : (List<Object>) s.getOrDefault("ports", List.of())) {
                if (!String.valueOf(port).startsWith("127.0.0.1:")) {
                    out.add(name + ": publishes " + port + " beyond this machine (bind it to 127.0.0.1)");
                }
            }
            for (Object volume : (List<Object>) s.getOrDefault("volumes", List.of())) {
                String v = String.valueOf(volume);
                if (v.startsWith("./") && !Files.exists(projectDir.resolve(v.substring(2, v.indexOf(':'))))) {
                    out.add(name + ": mounts " + v.substring(0, v.indexOf(':')) + ", which is not in the project");
                }
            }
            Object env = s.get("environment");
            if (env instanceof Map<?, ?> vars
                    && vars.get("CLUSTER_ID") != null
                    && !isKafkaClusterId(String.valueOf(vars.get("CLUSTER_ID")))) {
                out.add(name + ": CLUSTER_ID " + vars.get("CLUSTER_ID")
                        + " is not a UUID in base64 (22 characters): Kafka would not format its storage");
            }
            Object image = s.get("image");
            if (image != null && !s.containsKey("build")) {
                String i = image.toString();
                if (!i.contains(":") || i.endsWith(":latest")) {
                    out.add(name + ": image " + i + " has no pinned tag");
                }
            }
        }
        return out;
    }
}
