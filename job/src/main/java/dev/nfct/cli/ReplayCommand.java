package dev.nfct.cli;

import dev.nfct.core.ConnEvent;
import dev.nfct.core.Conntrack;
import dev.nfct.core.EventListener;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.Settings;
import dev.nfct.core.format.EventFormat;
import dev.nfct.core.proto.Trackers;
import dev.nfct.packet.CaptureReader;
import dev.nfct.pcap.PcapFormatException;
import dev.nfct.replay.AtEnd;
import dev.nfct.replay.CaptureReplay;
import dev.nfct.replay.FrameVerdict;
import dev.nfct.replay.OracleFormat;
import dev.nfct.replay.Timing;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code replay --pcap FILE [--timing top|capture] [--ctinfo OUT]}: a contract other tools build on.
 * Standard output gets every event as {@code conntrack -E -o extended} prints it (no timestamp
 * prefix); {@code --ctinfo} gets one {@code FRAME STATE DIRECTION} line per IP frame.
 */
final class ReplayCommand {
    private ReplayCommand() {}

    static String usage() {
        return "usage: replay --pcap FILE [--timing top|capture] [--ctinfo OUT] [options]\n"
                + "\n"
                + "Runs a capture through the conntrack engine as the kernel sees forwarded packets\n"
                + "(entry hook at PRE_ROUTING, confirm at POST_ROUTING) and prints every event as\n"
                + "`conntrack -E -o extended` does, without the timestamp prefix.\n"
                + "\n"
                + "  --pcap FILE         capture to replay (pcap or pcapng)\n"
                + "  --timing top        (default) as a top-speed replay: one instant, nothing expires\n"
                + "  --timing capture    the capture's own timestamps: timeouts expire, DESTROY at the deadline\n"
                + "  --ctinfo OUT        write `FRAME STATE DIRECTION` per IP frame (state new, established,\n"
                + "                      related, invalid, untracked; frag for a fragment merged into another\n"
                + "                      frame's datagram, unseen for one that never completed)\n"
                + "  --format F          extended (default), plain (no L3 column), json, or normalized\n"
                + "                      (one line per event or entry, as the kernel\n"
                + "                      conformance suite compares them)\n"
                + "  --table OUT         write the final table as `conntrack -L -o extended` (or --format) lines\n"
                + "  --at-end keep|expire|flush\n"
                + "                      what happens to live entries at the end (default keep, as the kernel)\n"
                + "  --set NAME=VALUE    a conntrack sysctl, e.g. nf_conntrack_tcp_be_liberal=1 (repeatable).\n"
                + "                      Defaults are the kernel's, except as the reference harness runs:\n"
                + "                      nf_conntrack_acct=1 nf_conntrack_timestamp=1 nf_conntrack_events=1\n"
                + "                      nf_conntrack_checksum=0\n"
                + "  --stats             print `conntrack -S` style counters to standard error at the end\n";
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = new Args(
                    argv,
                    Set.of("--pcap", "--timing", "--ctinfo", "--format", "--table", "--at-end", "--set"),
                    Set.of("--stats", "--help", "-h"));
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage() + " (see replay --help)");
            return 2;
        }
        if (args.has("--help") || args.has("-h")) {
            out.print(usage());
            return 0;
        }
        String pcap = args.get("--pcap", null);
        if (pcap == null) {
            err.println("replay: --pcap FILE is required (see replay --help)");
            return 2;
        }
        Timing timing;
        AtEnd atEnd;
        Settings settings = Settings.replayDefaults();
        Function<ConnEvent, String> eventFormat;
        Function<ConnEvent, String> entryFormat;
        try {
            timing = Timing.parse(args.get("--timing", "top"));
            atEnd = AtEnd.parse(args.get("--at-end", "keep"));
            args.forEachKeyValue("--set", "NAME=VALUE", settings::set);
            String format = args.get("--format", "extended");
            switch (format) {
                case "extended":
                    eventFormat = e -> EventFormat.event(e, true);
                    entryFormat = e -> EventFormat.entry(e, true);
                    break;
                case "plain":
                    eventFormat = e -> EventFormat.event(e, false);
                    entryFormat = e -> EventFormat.entry(e, false);
                    break;
                case "json":
                    eventFormat = EventFormat::json;
                    entryFormat = EventFormat::json;
                    break;
                case "normalized":
                    eventFormat = OracleFormat::event;
                    entryFormat = OracleFormat::entry;
                    break;
                default:
                    throw new IllegalArgumentException("--format must be extended, plain, json or normalized");
            }
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            return 2;
        }

        Writer stdout = new BufferedWriter(
                new OutputStreamWriter(new BufferedOutputStream(out, 1 << 16), StandardCharsets.UTF_8), 1 << 16);
        IOException[] writeFailure = new IOException[1];
        EventListener printer = e -> {
            try {
                stdout.write(eventFormat.apply(e));
                stdout.write('\n');
            } catch (IOException ex) {
                writeFailure[0] = ex;
            }
        };
        Conntrack engine = new Conntrack(settings, Trackers.standard(settings), new HashConnTable(), printer);
        CaptureReplay replay = new CaptureReplay(engine, timing, atEnd);
        List<FrameVerdict> verdicts;
        try (CaptureReader reader = CaptureReader.open(Path.of(pcap))) {
            verdicts = replay.run(reader);
        } catch (NoSuchFileException e) {
            err.println("replay: " + pcap + ": no such file");
            return 1;
        } catch (PcapFormatException e) {
            flushQuietly(stdout);
            err.println("replay: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            flushQuietly(stdout);
            err.println("replay: " + pcap + ": " + e);
            return 1;
        }
        try {
            stdout.flush();
            if (writeFailure[0] != null) {
                throw writeFailure[0];
            }
            String ctinfo = args.get("--ctinfo", null);
            if (ctinfo != null) {
                List<String> lines = new ArrayList<>(verdicts.size());
                for (FrameVerdict v : verdicts) {
                    lines.add(v.line());
                }
                Files.write(Path.of(ctinfo), lines, StandardCharsets.UTF_8);
            }
            String table = args.get("--table", null);
            if (table != null) {
                Files.write(Path.of(table), replay.tableLines(entryFormat), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            err.println("replay: cannot write output: " + e);
            return 1;
        }
        if (args.has("--stats")) {
            err.println(engine.stats().render(engine.count()));
        }
        return 0;
    }

    private static void flushQuietly(Writer w) {
        try {
            w.flush();
        } catch (IOException ignored) {
            // the error being reported matters more than a broken pipe
        }
    }
}
