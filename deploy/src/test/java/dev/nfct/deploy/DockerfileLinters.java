package dev.nfct.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nfct.testing.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Two published Dockerfile linters, pinned in deploy/lint/package.json and installed there with
 * {@code npm ci}: dockerfile-utils (the parser and validator behind the Dockerfile support of
 * editors using the Docker language server: syntax, flags, durations, stage names) and dockerfilelint
 * (missing arguments, untagged base images, package-manager habits). Every error and every
 * warning of either is a violation.
 */
final class DockerfileLinters {
    static final Path BIN = SharedData.projectRoot().resolve("deploy/lint/node_modules/.bin");

    private DockerfileLinters() {}

    static void require() {
        DeployTools.requireFile(
                BIN.resolve("dockerfile-utils"),
                "the Dockerfile linters",
                "cd deploy/lint && npm ci; needs Node.js and npm");
        DeployTools.requireFile(BIN.resolve("dockerfilelint"), "the Dockerfile linters", "cd deploy/lint && npm ci");
    }

    /** What the linters say about {@code dockerfile}, one line per finding. */
    static List<String> violations(Path dockerfile) throws Exception {
        List<String> out = new ArrayList<>();
        Path dir = dockerfile.getParent();
        DeployTools.Result utils =
                DeployTools.run(dir, BIN.resolve("dockerfile-utils").toString(), "lint", dockerfile.toString());
        // Its report is blocks of "Line: N", the line, a caret, then "Error: ..." or "Warning: ...".
        String line = "?";
        for (String l : utils.output().split("\n")) {
            if (l.startsWith("Line: ")) {
                line = l.substring(6).strip();
            } else if (l.startsWith("Error: ") || l.startsWith("Warning: ")) {
                out.add("dockerfile-utils: line " + line + ": " + l);
            }
        }
        if (utils.status() != 0 && out.isEmpty()) {
            out.add("dockerfile-utils: exit " + utils.status() + ": "
                    + utils.output().strip());
        }
        DeployTools.Result lint =
                DeployTools.run(dir, BIN.resolve("dockerfilelint").toString(), "-o", "json", dockerfile.toString());
        JsonNode report;
        try {
            report = new ObjectMapper().readTree(lint.output());
        } catch (Exception e) {
            out.add("dockerfilelint: exit " + lint.status() + ", no report: "
                    + lint.output().strip());
            return out;
        }
        for (JsonNode f : report.path("files")) {
            for (JsonNode i : f.path("issues")) {
                out.add("dockerfilelint: line " + i.path("line").asText() + ": "
                        + i.path("category").asText() + ": " + i.path("title").asText());
            }
        }
        return out;
    }
}
