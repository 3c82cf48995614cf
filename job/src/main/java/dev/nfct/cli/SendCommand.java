package dev.nfct.cli;

import dev.nfct.flink.io.Topics;
import dev.nfct.kafka.KafkaUnavailableException;
import dev.nfct.kafka.PacketSender;
import dev.nfct.pcap.PcapFormatException;
import dev.nfct.replay.Timing;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidTopicException;

/**
 * {@code send --bootstrap-servers HOST:PORT --pcap FILE|- [--host NAME] [--timing top|capture]
 * [--topic-prefix P]}: the producer that feeds the job. Each packet of a capture becomes one
 * single-observation {@code PacketEvent} of one host, keyed by host. This command line is a
 * contract other tools build on.
 */
final class SendCommand {
    private SendCommand() {}

    static String usage() {
        return "usage: send --bootstrap-servers HOST:PORT --pcap FILE|- [--host NAME] [--timing top|capture]\n"
                + "            [--topic-prefix P] [options]\n"
                + "\n"
                + "Sends a capture to the job's packet topic, one record per packet, in capture order,\n"
                + "keyed by host (so one host's packets stay in one partition, in order). `--pcap -`\n"
                + "reads a capture from standard input, e.g. live:\n"
                + "  tcpdump -i eth0 -U -w - | java -jar conntrack-job.jar send -b kafka:9092 --pcap -\n"
                + "A capture of NFLOG records (link type 239) is sent as the host's hook observations,\n"
                + "one record per packet per hook: each record logged with the prefix \"nfct\" (or \"nfct\n"
                + "drop\" when the rule drops the packet) at the hook NFLOG names, the packet's mark as its\n"
                + "id; see docs/ARCHITECTURE.md for the rules that log them. Live:\n"
                + "  tcpdump -i nflog:5 -U -w - | java -jar conntrack-job.jar send -b kafka:9092 --pcap -\n"
                + "\n"
                + "  --bootstrap-servers, -b HOST:PORT  Kafka to send to (required)\n"
                + "  --pcap FILE|-                  capture to send (pcap or pcapng; - for standard input)\n"
                + "  --host NAME                    the host the packets were seen on (default: this\n"
                + "                                 machine's name); each host has its own clock in the job\n"
                + "  --timing top|capture           top: the whole capture at its first packet's time, as\n"
                + "                                 `replay` does by default (the default for a file);\n"
                + "                                 capture: each packet's own time (the default for -\n"
                + "                                 and for hook observations)\n"
                + "  --time-shift DURATION|now      add DURATION (e.g. 2h, -5s) to every packet time; now:\n"
                + "                                 move the capture by whole seconds so that its first\n"
                + "                                 packet falls in the current second\n"
                + "  --rate N                       send at most N packets per second (default no limit)\n"
                + "  --topic-prefix P               send to Pconntrack.packets, as `run --topic-prefix P` reads\n"
                + "  --timeout DURATION             how long to wait for Kafka before giving up (default 30s)\n"
                + KafkaClientArgs.USAGE
                + "\n"
                + "Progress goes to standard error; standard output stays empty. Exit 0 when every\n"
                + "record is acknowledged, 1 when Kafka or the capture fails, 2 for a usage error.\n";
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        return run(argv, System.in, out, err);
    }

    /** @param stdin what {@code --pcap -} reads */
    static int run(String[] argv, InputStream stdin, PrintStream out, PrintStream err) {
        Args args;
        String[] normalized = argv.clone();
        for (int i = 0; i < normalized.length; i++) {
            if (normalized[i].equals("-b")) {
                normalized[i] = "--bootstrap-servers";
            }
        }
        try {
            args = new Args(
                    normalized,
                    Set.of(
                            "--bootstrap-servers",
                            "--pcap",
                            "--host",
                            "--timing",
                            "--time-shift",
                            "--rate",
                            "--topic-prefix",
                            "--timeout",
                            KafkaClientArgs.CONFIG,
                            KafkaClientArgs.PROPERTY),
                    Set.of("--help", "-h"));
        } catch (IllegalArgumentException e) {
            err.println("send: " + e.getMessage() + " (see send --help)");
            return 2;
        }
        if (args.has("--help") || args.has("-h")) {
            out.print(usage());
            return 0;
        }
        PacketSender sender;
        String pcap;
        String describe;
        BufferedInputStream input = null;
        boolean hooks;
        try {
            String bootstrap = args.get("--bootstrap-servers", null);
            if (bootstrap == null || bootstrap.isBlank()) {
                throw new IllegalArgumentException("--bootstrap-servers HOST:PORT is required");
            }
            pcap = args.get("--pcap", null);
            if (pcap == null) {
                throw new IllegalArgumentException("--pcap FILE|- is required");
            }
            boolean fromStdin = pcap.equals("-");
            if (fromStdin) {
                input = new BufferedInputStream(stdin, 1 << 16);
            }
            hooks = fromStdin ? CaptureInput.holdsHooks(input) : CaptureInput.holdsHooks(Path.of(pcap));
            // A host's hook observations keep their own times: drops and loopback depend on them.
            Timing timing = Timing.parse(args.get("--timing", fromStdin || hooks ? "capture" : "top"));
            String host = args.get("--host", null);
            if (host == null) {
                host = localHostName();
            } else if (host.isBlank()) {
                throw new IllegalArgumentException("--host must not be empty");
            }
            PacketSender.Clock clock = clock(timing, args.get("--time-shift", null));
            long rate = count("--rate", args.get("--rate", "0"));
            String topic;
            try {
                topic = Topics.defaults()
                        .withPrefix(args.get("--topic-prefix", ""))
                        .packets();
            } catch (InvalidTopicException e) {
                throw new IllegalArgumentException("--topic-prefix: " + e.getMessage());
            }
            Duration timeout = Durations.parse("--timeout", args.get("--timeout", "30s"));
            Map<String, Object> client = new LinkedHashMap<>(KafkaClientArgs.parse(args));
            client.put("bootstrap.servers", bootstrap);
            sender = new PacketSender(topic, host, clock, rate, client)
                    .reachTimeout(timeout)
                    .progress(err, Duration.ofSeconds(5));
            describe = topic + " on " + bootstrap + " as host " + host + " (timing "
                    + timing.name().toLowerCase()
                    + (clock.startNow()
                            ? ", starting now"
                            : clock.shiftNs() != 0 ? ", shifted " + args.get("--time-shift", "") : "")
                    + ")";
        } catch (IllegalArgumentException e) {
            err.println("send: " + e.getMessage());
            return 2;
        }
        try {
            sender.checkTopic();
            long n;
            try (CaptureInput capture =
                    input != null ? CaptureInput.of(input, "standard input") : CaptureInput.open(Path.of(pcap))) {
                n = capture.sendWith(sender);
            }
            err.println("send: sent " + n + (hooks ? " hook observations of " : " packets of ")
                    + (pcap.equals("-") ? "standard input" : pcap) + " to " + describe);
            return 0;
        } catch (NoSuchFileException e) {
            err.println("send: " + pcap + ": no such file");
            return 1;
        } catch (PcapFormatException | KafkaUnavailableException | IllegalArgumentException e) {
            err.println("send: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("send: " + pcap + ": " + e.getMessage());
            return 1;
        }
    }

    static PacketSender.Clock clock(Timing timing, String shift) {
        if (shift == null) {
            return PacketSender.Clock.of(timing);
        }
        if (shift.equals("now")) {
            return PacketSender.Clock.startingNow(timing);
        }
        boolean negative = shift.startsWith("-");
        Duration d = Durations.parse("--time-shift", negative ? shift.substring(1) : shift);
        return new PacketSender.Clock(timing, false, negative ? -d.toNanos() : d.toNanos());
    }

    private static long count(String option, String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number of 0 or more, not '" + value + "'");
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
