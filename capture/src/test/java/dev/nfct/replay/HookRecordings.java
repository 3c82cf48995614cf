package dev.nfct.replay;

import dev.nfct.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's hook recordings (made by {@code conformance/hooks/record.py}): a router observed
 * at every conntrack hook, one {@code NAME.pcap} of NFLOG records per traffic kind with the
 * kernel's events, table and ct states beside it, and {@code NAME.json} (its end, its configured
 * timeouts).
 */
public final class HookRecordings {
    private static final Pattern TIMEOUTS = Pattern.compile("\"configured_timeouts\"\\s*:\\s*\\[([^]]*)]");

    private HookRecordings() {}

    public static Path dir() {
        return SharedData.projectRoot().resolve("capture/src/test/resources/conformance/hooks");
    }

    /** Every recording, by name. */
    public static List<Path> all() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(f -> f.toString().endsWith(".pcap")).sorted().toList();
        }
    }

    public static String name(Path pcap) {
        String f = pcap.getFileName().toString();
        return f.substring(0, f.lastIndexOf('.'));
    }

    /** The timeouts (seconds) the recording's kernel was configured with. */
    public static Set<Integer> configuredTimeouts(Path pcap) throws IOException {
        Path meta = pcap.resolveSibling(name(pcap) + ".json");
        Matcher m = TIMEOUTS.matcher(Files.readString(meta));
        if (!m.find()) {
            throw new AssertionError(meta + " does not give the configured timeouts");
        }
        Set<Integer> values = new HashSet<>();
        for (String v : m.group(1).split(",")) {
            if (!v.isBlank()) {
                values.add(Integer.parseInt(v.strip()));
            }
        }
        return values;
    }

    /**
     * An event or table line with its TIMEOUT one up when it is exactly one below a configured
     * timeout, as the kernel conformance suite compares timeouts on both sides: the kernel now and
     * then reads a timeout it has just set a tick later.
     */
    public static String snap(String line, Set<Integer> configured) {
        String[] words = line.split(" ", 6);
        if (words.length < 6 || words[4].isEmpty() || !words[4].chars().allMatch(Character::isDigit)) {
            return line;
        }
        int value = Integer.parseInt(words[4]);
        if (configured.contains(value) || !configured.contains(value + 1)) {
            return line;
        }
        words[4] = String.valueOf(value + 1);
        return String.join(" ", words);
    }
}
