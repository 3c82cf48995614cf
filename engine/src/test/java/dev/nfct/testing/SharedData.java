package dev.nfct.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the project root and the reference captures: the folder {@code NFCT_REFERENCE_PCAPS} names,
 * else {@code ../shared/pcaps} beside the checkout, where CI provides them.
 */
public final class SharedData {
    private SharedData() {}

    /** The directory holding the root pom.xml and the job module. */
    public static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("job"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException(
                "cannot find the project root above " + Path.of("").toAbsolutePath());
    }

    /** The project's own sample capture, {@code samples/sample.pcap}. */
    public static Path sample() {
        return projectRoot().resolve("samples").resolve("sample.pcap");
    }

    /**
     * The project's own regression captures with the kernel's events, ctinfo and table beside
     * each ({@code capture/src/test/resources/conformance/regressions}).
     */
    public static Path regressions() {
        return projectRoot().resolve("capture/src/test/resources/conformance/regressions");
    }

    /** The reference captures' folder, or null when there is none. */
    public static Path pcaps() {
        String named = System.getenv("NFCT_REFERENCE_PCAPS");
        Path p = named != null && !named.isBlank()
                ? Path.of(named)
                : projectRoot().resolveSibling("shared").resolve("pcaps");
        return Files.isDirectory(p) ? p : null;
    }

    /**
     * Every capture ({@code .pcap}, {@code .pcapng}) of {@link #pcaps()}, then of its {@code public/}
     * folder (each folder's in sorted order), or empty when the shared data is not there.
     */
    public static List<Path> captures() throws IOException {
        Path pcaps = pcaps();
        List<Path> out = new ArrayList<>();
        if (pcaps == null) {
            return out;
        }
        for (Path dir : List.of(pcaps, pcaps.resolve("public"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                            .sorted()
                            .forEach(out::add);
                }
            }
        }
        return out;
    }
}
