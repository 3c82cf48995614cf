package dev.nfct.cli;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.TableEntry;
import dev.nfct.core.Conntrack;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.Settings;
import dev.nfct.core.proto.Trackers;
import dev.nfct.flink.FlinkReplay;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.flink.operator.TableUpdates;
import dev.nfct.packet.CaptureReader;
import dev.nfct.replay.AtEnd;
import dev.nfct.replay.CaptureReplay;
import dev.nfct.replay.FrameVerdict;
import dev.nfct.replay.OracleFormat;
import dev.nfct.replay.Timing;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.TableEntries;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code conformance --captures DIR --out DIR [--flink]}: the Java side of the kernel conformance
 * suite. Replays every capture of a folder through the engine (and, with {@code --flink}, through
 * the Flink job's in-process path, all captures in one job) and writes, per capture, the same
 * normalised files the kernel runner writes: {@code NAME.engine.events}, {@code .engine.table},
 * {@code .engine.trace}, and {@code NAME.flink.events}, {@code .flink.table}, {@code .flink.trace}. One JVM for all of
 * them, so thousands of fuzzed sequences cost seconds, not a JVM start each.
 */
final class ConformanceCommand {
    private ConformanceCommand() {}

    static String usage() {
        return "usage: conformance --captures DIR --out DIR [--flink] [--timing top|capture] [--at-end keep|expire]\n"
                + "                   [--set NAME=VALUE]\n"
                + "       conformance --hooks DIR --out DIR [--set NAME=VALUE]\n"
                + "\n"
                + "Replays every .pcap/.pcapng in DIR with the kernel runner's settings (acct,\n"
                + "timestamps and events on, checksums off) and writes normalised events, final table\n"
                + "and per-frame ctinfo per capture, for comparison with the kernel runner.\n"
                + "  --flink             also through the Flink job (its in-process path; in capture timing\n"
                + "                      only with --at-end expire)\n"
                + "  --timing top|capture  the engine's replay timing, as replay's (default top)\n"
                + "  --at-end keep|expire  the entries left at the end: kept (default), or each expired\n"
                + "                      at its deadline with its DESTROY event, as the kernel runner's\n"
                + "                      --drain leaves them\n"
                + "  --set NAME=VALUE    a sysctl setting, e.g. nf_conntrack_udp_timeout=4 (repeatable)\n"
                + "  --hooks DIR         instead: every hook recording in DIR (NAME.pcap of NFLOG records, one\n"
                + "                      per packet per hook, with NAME.json giving its end time \"dump_ns\")\n"
                + "                      through the Flink job, each its own host; writes NAME.flink.*\n";
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = new Args(
                    argv,
                    Set.of("--captures", "--hooks", "--out", "--set", "--timing", "--at-end"),
                    Set.of("--flink", "--help", "-h"));
        } catch (IllegalArgumentException e) {
            err.println("conformance: " + e.getMessage() + " (see conformance --help)");
            return 2;
        }
        if (args.has("--help") || args.has("-h")) {
            out.print(usage());
            return 0;
        }
        String in = args.get("--captures", null), outDir = args.get("--out", null);
        String hooks = args.get("--hooks", null);
        if ((in == null) == (hooks == null) || outDir == null) {
            err.println("conformance: --out and one of --captures and --hooks are required (see conformance --help)");
            return 2;
        }
        if (hooks != null) {
            return reporting(err, () -> hooks(Path.of(hooks), Path.of(outDir), args.all("--set")));
        }
        return reporting(err, () -> {
            Map<String, Path> captures = new LinkedHashMap<>();
            try (Stream<Path> s = Files.list(Path.of(in))) {
                s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                        .sorted()
                        .forEach(p -> captures.put(base(p), p));
            }
            Path dir = Files.createDirectories(Path.of(outDir));
            Settings settings = settings(args.all("--set"));
            Timing timing = Timing.parse(args.get("--timing", "top"));
            AtEnd atEnd = AtEnd.parse(args.get("--at-end", "keep"));
            if (atEnd == AtEnd.FLUSH) {
                throw new IllegalArgumentException("--at-end is keep or expire");
            }
            if (args.has("--flink") && (timing == Timing.CAPTURE) != (atEnd == AtEnd.EXPIRE)) {
                // The job's replay keeps its entries at top speed, and in capture timing moves
                // each host's clock a day on at the end, so every entry expires.
                throw new IllegalArgumentException(
                        "--flink replays at top speed keeping the entries, or with --timing capture and --at-end expire");
            }

            for (var e : captures.entrySet()) {
                engine(e.getKey(), e.getValue(), settings, timing, atEnd, dir);
            }
            if (args.has("--flink")) {
                flink(captures, settings, timing, dir);
            }
            return captures.size() + " captures replayed" + (args.has("--flink") ? " (engine and Flink job)" : "");
        });
    }

    /** What a run does; it returns its summary line. */
    private interface Work {
        String run() throws Exception;
    }

    /** Runs {@code work} and prints its summary; exit 2 for a usage problem, 1 for a failure. */
    private static int reporting(PrintStream err, Work work) {
        try {
            err.println("conformance: " + work.run());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("conformance: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("conformance: failed: " + e);
            return 1;
        }
    }

    private static void engine(String name, Path pcap, Settings settings, Timing timing, AtEnd atEnd, Path dir)
            throws IOException {
        List<String> events = new ArrayList<>();
        Conntrack engine = new Conntrack(
                settings, Trackers.standard(settings), new HashConnTable(), ev -> events.add(OracleFormat.event(ev)));
        CaptureReplay replay = new CaptureReplay(engine, timing, atEnd);
        List<String> trace = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(pcap)) {
            for (FrameVerdict v : replay.run(reader)) {
                trace.add(v.line());
            }
        }
        List<String> table = replay.tableLines(OracleFormat::entry);
        write(dir.resolve(name + ".engine.events"), events);
        write(dir.resolve(name + ".engine.table"), table);
        write(dir.resolve(name + ".engine.trace"), trace);
    }

    private static void flink(Map<String, Path> captures, Settings settings, Timing timing, Path dir) throws Exception {
        Configuration conf = flinkConf(settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        writeFlink(FlinkReplay.run(env, captures, conf, timing), dir);
    }

    private static Configuration flinkConf(Settings settings) {
        Configuration conf = new Configuration();
        settings.asMap().forEach((k, v) -> conf.set(ConntrackOptions.SYSCTLS.get(k), v));
        conf.set(ConntrackOptions.TABLE_UPDATES, TableUpdates.PACKETS);
        conf.set(ConntrackOptions.PACKET_CTINFO, true);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Each capture is one host whose packets come in order: no out-of-orderness to wait for.
        conf.set(ConntrackOptions.OUT_OF_ORDERNESS, java.time.Duration.ZERO);
        return conf;
    }

    private static void writeFlink(Map<String, FlinkReplay.HostResult> results, Path dir) throws IOException {
        for (var e : results.entrySet()) {
            List<String> events = new ArrayList<>();
            for (FlowEvent f : e.getValue().events) {
                events.add(OracleFormat.event(FlowEvents.toConnEvent(f)));
            }
            List<String> table = new ArrayList<>();
            for (TableEntry t : e.getValue().table.values()) {
                table.add(OracleFormat.entry(TableEntries.toDumpedEntry(t, e.getValue().now)));
            }
            table.sort(null);
            write(dir.resolve(e.getKey() + ".flink.events"), events);
            write(dir.resolve(e.getKey() + ".flink.table"), table);
            write(dir.resolve(e.getKey() + ".flink.trace"), e.getValue().trace);
        }
    }

    /** The replay defaults with {@code NAME=VALUE} settings over them. */
    private static Settings settings(List<String> sets) {
        Settings settings = Settings.replayDefaults();
        for (String kv : sets) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--set wants NAME=VALUE, not '" + kv + "'");
            }
            settings.set(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return settings;
    }

    /** The Flink job on every hook recording of {@code in}; returns the summary line. */
    private static String hooks(Path in, Path outDir, List<String> sets) throws Exception {
        Map<String, FlinkReplay.Hooks> recordings = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(in)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".pcap")).sorted().toList()) {
                recordings.put(base(p), FlinkReplay.Hooks.beside(p));
            }
        }
        Path dir = Files.createDirectories(outDir);
        Configuration conf = flinkConf(settings(sets));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        writeFlink(FlinkReplay.runHooks(env, recordings, conf), dir);
        return recordings.size() + " hook recordings replayed (Flink job)";
    }

    private static void write(Path p, List<String> lines) throws IOException {
        Files.write(p, lines, StandardCharsets.UTF_8);
    }

    private static String base(Path p) {
        String f = p.getFileName().toString();
        return f.substring(0, f.lastIndexOf('.'));
    }
}
