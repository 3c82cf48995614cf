package dev.nfct.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kernel did with a capture, read from the files beside it: its events, its per-frame
 * ctinfo and its final table. Two layouts are accepted, {@code NAME.events} with
 * {@code NAME.events.trace} and {@code NAME.events.table} (the kernel runner's output) or with
 * {@code NAME.trace} and {@code NAME.table} (the regression captures).
 *
 * <p>A comparison must not shrink when a file is missing: {@link #beside} fails, naming the file,
 * instead of reading it as empty. An optional {@code NAME.sysctl} lists the settings (one
 * {@code nf_conntrack_NAME=VALUE} per line) the kernel ran with, over the replay defaults.
 */
public record KernelReference(
        String name,
        List<String> events,
        List<String> traceKeys,
        List<String> sortedTable,
        Map<String, String> sysctls) {

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
        Map<String, String> sysctls = new LinkedHashMap<>();
        Path settings = dir.resolve(base + ".sysctl");
        if (Files.isRegularFile(settings)) {
            for (String l : lines(settings)) {
                int eq = l.indexOf('=');
                sysctls.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        }
        return new KernelReference(
                base, lines(events), OracleReplay.traceKeys(lines(trace)), List.copyOf(sorted), Map.copyOf(sysctls));
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
