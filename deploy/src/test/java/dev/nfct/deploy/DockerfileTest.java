package dev.nfct.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile, linted by the rules an image must keep here (no Docker engine on our machines
 * to build it): pinned base images, the runtime on the official Flink 2.2 image, the job jar
 * where Flink looks for user jars, package installs that leave no lists behind, and every file it
 * copies from the project present (and not excluded by .dockerignore).
 */
class DockerfileTest {
    private static final Path ROOT = SharedData.projectRoot();

    static List<String> violations(String dockerfile, Path context) throws Exception {
        List<String> out = new ArrayList<>();
        List<String> froms = new ArrayList<>();
        String ignore = Files.exists(context.resolve(".dockerignore"))
                ? Files.readString(context.resolve(".dockerignore"))
                : "";
        // Continuation lines joined, comments dropped: one instruction per line.
        String joined = dockerfile.replaceAll("\\\\\\n", " ");
        for (String line : joined.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] w = l.split("\\s+");
            switch (w[0].toUpperCase()) {
                case "FROM" -> {
                    String image = w[1];
                    froms.add(image);
                    if (!image.contains(":") || image.endsWith(":latest")) {
                        out.add("FROM " + image + ": no pinned tag");
                    }
                }
                case "RUN" -> {
                    if (l.contains("apt-get install") && !l.contains("--no-install-recommends")) {
                        out.add("RUN apt-get install without --no-install-recommends");
                    }
                    if (l.contains("apt-get install") && !l.contains("rm -rf /var/lib/apt/lists")) {
                        out.add("RUN apt-get install that leaves /var/lib/apt/lists in the layer");
                    }
                }
                case "COPY", "ADD" -> {
                    if (l.contains("--from=")) {
                        continue;
                    }
                    List<String> args = new ArrayList<>();
                    for (int i = 1; i < w.length; i++) {
                        if (!w[i].startsWith("--")) {
                            args.add(w[i]);
                        }
                    }
                    for (String src : args.subList(0, args.size() - 1)) {
                        if (!src.equals(".") && !Files.exists(context.resolve(src))) {
                            out.add(w[0] + " " + src + ": not in the build context");
                        }
                        for (String pattern : ignore.split("\n")) {
                            String p = pattern.strip();
                            if (!p.isEmpty()
                                    && !p.startsWith("#")
                                    && !src.equals(".")
                                    && src.startsWith(p.replace("**/", ""))) {
                                out.add(w[0] + " " + src + ": excluded by .dockerignore (" + p + ")");
                            }
                        }
                    }
                }
                default -> {}
            }
        }
        if (froms.isEmpty() || !froms.get(froms.size() - 1).startsWith("flink:2.2")) {
            out.add("the runtime stage is not the official Flink 2.2 image: " + froms);
        }
        if (!joined.contains("/opt/flink/usrlib/conntrack-job.jar")) {
            out.add("the job jar is not in /opt/flink/usrlib/");
        }
        if (!ignore.contains("target/")) {
            out.add(".dockerignore does not keep build output (target/) out of the context");
        }
        return out;
    }

    private static String dockerfile() throws Exception {
        return Files.readString(ROOT.resolve("Dockerfile"));
    }

    @Test
    void theDockerfileKeepsItsRules() throws Exception {
        assertThat(violations(dockerfile(), ROOT)).isEmpty();
    }

    @Test
    void eachRuleCatchesABrokenCopy() throws Exception {
        String d = dockerfile();
        Map<String, String> broken = Map.of(
                "no pinned tag", d.replace("FROM maven:3.9.9-eclipse-temurin-17", "FROM maven:latest"),
                "without --no-install-recommends", d.replace("--no-install-recommends ", ""),
                "leaves /var/lib/apt/lists", d.replace("&& rm -rf /var/lib/apt/lists/*", ""),
                "not in the build context", d.replace("samples/sample.pcap", "samples/missing.pcap"),
                "not the official Flink 2.2 image",
                        d.replace("FROM flink:2.2-java17", "FROM eclipse-temurin:17.0.16_8-jre"),
                "not in /opt/flink/usrlib/", d.replace("/opt/flink/usrlib/conntrack-job.jar", "/opt/job.jar"));
        DeployTools.assertEachRuleBreaks(d, broken, f -> violations(f, ROOT));
    }
}
