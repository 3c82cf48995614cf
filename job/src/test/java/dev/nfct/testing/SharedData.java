package dev.nfct.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project root and the reference data beside it ({@code ../shared}), which CI provides. */
public final class SharedData {
    private SharedData() {
    }

    /** The directory holding the root pom.xml and the job module. */
    public static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("job"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find the project root above " + Path.of("").toAbsolutePath());
    }

    /** {@code ../shared/pcaps} beside the checkout, or null when it is not there. */
    public static Path pcaps() {
        Path p = projectRoot().resolveSibling("shared").resolve("pcaps");
        return Files.isDirectory(p) ? p : null;
    }
}
