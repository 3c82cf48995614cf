package dev.nfct.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Dockerfile passes both published linters, and each of them catches a broken copy. */
class DockerfileLintTest {
    private static final Path DOCKERFILE = SharedData.projectRoot().resolve("Dockerfile");

    @Test
    void theDockerfileHasNoFindings() throws Exception {
        DockerfileLinters.require();
        assertThat(DockerfileLinters.violations(DOCKERFILE)).isEmpty();
    }

    @Test
    void eachLinterCatchesABrokenCopy(@TempDir Path dir) throws Exception {
        DockerfileLinters.require();
        String original = Files.readString(DOCKERFILE);
        int runtime = lineOf(original, "FROM flink:2.2-java17");
        int workdir = lineOf(original, "WORKDIR /src");
        Map<String, String> broken = Map.of(
                "dockerfile-utils: line " + runtime + ": Error: duplicate name build",
                original.replace("FROM flink:2.2-java17", "FROM flink:2.2-java17 AS build"),
                "dockerfile-utils: line " + workdir + ": Warning: WORKDIR paths should be absolute",
                original.replace("WORKDIR /src", "WORKDIR src"),
                "dockerfilelint: line " + runtime + ": Clarity: Base Image Missing Tag",
                original.replace("FROM flink:2.2-java17", "FROM flink"),
                "dockerfilelint: line " + workdir + ": Possible Bug: Missing Required Arguments",
                original.replace("WORKDIR /src", "WORKDIR"));
        DeployTools.assertEachRuleBreaks(original, broken, copy -> {
            Path f = dir.resolve("Dockerfile");
            Files.writeString(f, copy);
            return DockerfileLinters.violations(f);
        });
    }

    /** The 1-based number of the line that starts with {@code text}. */
    private static int lineOf(String file, String text) {
        String[] lines = file.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith(text)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line starts with " + text);
    }
}
