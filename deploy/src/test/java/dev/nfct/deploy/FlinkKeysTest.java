package dev.nfct.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.testing.SharedData;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every Flink configuration key the compose file sets exists in the Flink the job is built for. */
class FlinkKeysTest {
    private static FlinkKeys flink;

    @BeforeAll
    static void readFlinksOptions() throws Exception {
        flink = new FlinkKeys();
        assertThat(flink.size()).as("options found in Flink's jars").isGreaterThan(500);
    }

    /** The keys of every FLINK_PROPERTIES block of a compose file. */
    @SuppressWarnings("unchecked")
    static List<String> composeKeys(String yaml) {
        List<String> keys = new ArrayList<>();
        Map<String, Object> services =
                (Map<String, Object>) ComposeRules.parse(yaml).get("services");
        for (Object s : services.values()) {
            Object env = ((Map<String, Object>) s).get("environment");
            if (env instanceof Map<?, ?> m && m.get("FLINK_PROPERTIES") instanceof String props) {
                for (String line : props.split("\n")) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && !line.strip().startsWith("#")) {
                        keys.add(line.substring(0, colon).strip());
                    }
                }
            }
        }
        return keys;
    }

    private static List<String> unknown(List<String> keys) {
        return keys.stream().filter(k -> !flink.known(k)).map(flink::why).toList();
    }

    @Test
    void everyKeyOfTheComposeFileExistsInThisFlink() throws Exception {
        List<String> keys =
                composeKeys(Files.readString(SharedData.projectRoot().resolve("docker-compose.yml")));
        assertThat(keys)
                .as("keys set through FLINK_PROPERTIES")
                .contains("state.backend.type", "metrics.reporter.prom.port");
        assertThat(unknown(keys)).isEmpty();
    }

    @Test
    void aKeyFromAnotherFlinkIsCaught() {
        // Flink 1.x names that 2.x dropped, and plain typos.
        assertThat(unknown(List.of(
                        "state.backend",
                        "state.checkpoints.dir",
                        "taskmanager.numberOfTaskSlot",
                        "metrics.reporter.prom.prot")))
                .hasSize(4);
        assertThat(unknown(List.of("execution.checkpointing.dir", "metrics.reporter.prom.factory.class")))
                .isEmpty();
    }
}
