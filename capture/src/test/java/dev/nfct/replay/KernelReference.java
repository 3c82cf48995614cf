package dev.nfct.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the kernel did with a capture, read from the files beside it: its events, its per-frame
 * ctinfo and its final table. Two layouts are accepted, {@code NAME.events} with
 * {@code NAME.events.trace} and {@code NAME.events.table} (the kernel runner's output) or with
 * {@code NAME.trace} and {@code NAME.table} (the regression captures).
 *
 * <p>A comparison must not shrink when a file is missing: {@link #beside} fails, naming the file,
 * instead of reading it as empty.
 */
public record KernelReference(String name, List<String> events, List<String> traceKeys, List<String> sortedTable) {

    /** @throws AssertionError when one of the three files is missing */
    public static KernelReference beside(Path pcap) throws IOException {
        String f = pcap.getFileName().toString();
        String base = f.substring(0, f.lastIndexOf('.'));
        Path dir = pcap.toAbsolutePath().getParent();
        Path events = required(dir, base + ".events");
        Path trace = either(dir, base + ".events.trace", base + ".trace");
        Path table = either(dir, base + ".events.table", base + ".table");
        List<String> sorted = new ArrayList<>(lines(table));
        sorted.sort(null);
        return new KernelReference(base, lines(events), OracleReplay.traceKeys(lines(trace)), List.copyOf(sorted));
    }

    private static Path required(Path dir, String name) {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new AssertionError(
                    "the kernel's reference file " + p + " is missing: a capture without it cannot be compared");
        }
        return p;
    }

    private static Path either(Path dir, String first, String second) {
        Path a = dir.resolve(first);
        return Files.isRegularFile(a) ? a : required(dir, second);
    }

    private static List<String> lines(Path p) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            if (!l.isBlank() && !l.startsWith("#")) {
                out.add(l);
            }
        }
        return out;
    }
}
