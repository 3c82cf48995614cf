package dev.nfct.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The command-line validators the checks use (Debian's docker-compose, kubectl). Where one is
 * missing the check is skipped with one line saying what to install, unless
 * {@code NFCT_REQUIRE_DEPLOY_TOOLS=1} (set by CI, which installs them) makes it a failure.
 */
final class DeployTools {
    private DeployTools() {}

    /** A check of a file: the rules it breaks, one line each. */
    interface Rules {
        List<String> violations(String file) throws Exception;
    }

    /**
     * Each broken copy of {@code original} (by the rule it should break: a phrase of the expected
     * violation) differs from it and is caught by {@code rules} with that phrase.
     */
    static void assertEachRuleBreaks(String original, Map<String, String> broken, Rules rules) throws Exception {
        for (var e : broken.entrySet()) {
            assertThat(e.getValue())
                    .as("the broken copy for '%s' differs", e.getKey())
                    .isNotEqualTo(original);
            assertThat(rules.violations(e.getValue()))
                    .as("a copy that should break '%s'", e.getKey())
                    .anySatisfy(v -> assertThat(v).contains(e.getKey()));
        }
    }

    /** What a command printed and how it ended. */
    record Result(int status, String output) {}

    /** Skips (or in CI fails) the calling test when {@code tool} is not on the PATH. */
    static void require(String tool, String aptPackage) {
        if (!onPath(tool)) {
            missing(tool, "apt-get install " + aptPackage);
        }
    }

    /**
     * Skips (or in CI fails) the calling test when the executable {@code file} is missing;
     * {@code install} says how to get it.
     */
    static void requireFile(Path file, String what, String install) {
        if (!Files.isExecutable(file)) {
            missing(what, install);
        }
    }

    private static void missing(String what, String install) {
        String why = what + " not installed (" + install + "): deployment files not checked with it";
        if ("1".equals(System.getenv("NFCT_REQUIRE_DEPLOY_TOOLS"))) {
            fail(why + ", and NFCT_REQUIRE_DEPLOY_TOOLS=1 requires it");
        }
        Assumptions.abort(why);
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command in {@code dir} (bounded: 2 minutes), standard error folded into the output. */
    static Result run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within 2 minutes");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
