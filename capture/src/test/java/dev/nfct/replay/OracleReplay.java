package dev.nfct.replay;

import dev.nfct.core.Conntrack;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.Settings;
import dev.nfct.core.proto.Trackers;
import dev.nfct.packet.CaptureReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What kernel comparisons need of the engine: a capture replayed as the reference harness replays
 * it (top speed, its sysctls), in the harness's normalised form, and events grouped by flow.
 */
public final class OracleReplay {
    private OracleReplay() {}

    /** Normalised events in order, {@code FRAME STATE DIR} per frame, and the sorted final table. */
    public record Result(List<String> events, List<String> ctinfo, List<String> table) {}

    public static Result replay(Path pcap) throws IOException {
        return replay(pcap, Map.of());
    }

    /** The same with sysctl settings (by name, e.g. {@code nf_conntrack_checksum}) over the replay defaults. */
    public static Result replay(Path pcap, Map<String, String> sysctls) throws IOException {
        List<String> events = new ArrayList<>();
        Settings settings = Settings.replayDefaults();
        sysctls.forEach(settings::set);
        Conntrack engine = new Conntrack(
                settings, Trackers.standard(settings), new HashConnTable(), e -> events.add(OracleFormat.event(e)));
        CaptureReplay replay = new CaptureReplay(engine, Timing.TOP, AtEnd.KEEP);
        List<String> ctinfo = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(pcap)) {
            for (FrameVerdict v : replay.run(reader)) {
                ctinfo.add(v.line());
            }
        }
        List<String> table = new ArrayList<>();
        engine.table().forEach(c -> table.add(OracleFormat.entry(engine.dumpEntry(c, replay.now()))));
        table.sort(null);
        return new Result(events, ctinfo, table);
    }

    /** Groups normalised event lines by flow: L3, L4 and the ORIGINAL tuple, as compare.py does. */
    public static Map<String, List<String>> byFlow(List<String> lines) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String l : lines) {
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split(" \\| ");
            String[] head = f[0].split(" ");
            m.computeIfAbsent(head[1] + " " + head[2] + " " + f[1], k -> new ArrayList<>())
                    .add(l);
        }
        return m;
    }

    /**
     * The first three fields, {@code FRAME STATE DIR}, of each line of a kernel {@code .trace} file:
     * what {@link Result#ctinfo()} gives per frame.
     */
    public static List<String> traceKeys(List<String> traceLines) {
        List<String> keys = new ArrayList<>();
        for (String l : traceLines) {
            String[] f = l.split(" ", 4);
            keys.add(f[0] + " " + f[1] + " " + f[2]);
        }
        return keys;
    }
}
