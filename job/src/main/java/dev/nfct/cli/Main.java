package dev.nfct.cli;

import java.util.Arrays;

/**
 * Entry point of {@code conntrack-job.jar}: {@code java -jar conntrack-job.jar COMMAND [options]}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ShutdownNoise.install();
        System.exit(run(args));
    }

    /** Runs a command and returns its exit status (0 ok, 1 failure, 2 usage error). */
    public static int run(String[] args) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            System.out.println(usage());
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "replay":
                return ReplayCommand.run(rest, System.out, System.err);
            case "demo":
                return DemoCommand.run(rest, System.out, System.err);
            case "run":
                return RunCommand.run(rest, System.out, System.err);
            case "conformance":
                return ConformanceCommand.run(rest, System.out, System.err);
            case "events":
                return EventsCommand.run(rest, System.out, System.err);
            case "send":
                return SendCommand.run(rest, System.out, System.err);
            case "bench":
                return dev.nfct.cli.bench.BenchCommand.run(rest, System.out, System.err);
            default:
                System.err.println("unknown command '" + args[0]
                        + "' (commands: replay, demo, run, send, events, bench; see --help)");
                return 2;
        }
    }

    static String usage() {
        return "usage: java -jar conntrack-job.jar COMMAND [options]\n"
                + "\n"
                + "commands:\n"
                + "  replay --pcap FILE [--timing top|capture] [--ctinfo OUT]\n"
                + "         run a capture through the conntrack engine as the kernel sees forwarded\n"
                + "         packets; print every event as `conntrack -E -o extended` does\n"
                + "         (run `replay --help` for all options)\n"
                + "  demo [--pcap FILE] [--once] [--timing top|capture]\n"
                + "         in-JVM Kafka + local Flink: send a capture (the bundled sample by default)\n"
                + "         through the job and print the flow events read back from Kafka\n"
                + "  run --bootstrap-servers HOST:PORT [options]\n"
                + "         the job against any Kafka (locally, or on a cluster with `flink run`)\n"
                + "  send --bootstrap-servers HOST:PORT --pcap FILE|- [--host NAME] [--timing top|capture]\n"
                + "         send a capture (or a live tcpdump on standard input) to the packet topic\n"
                + "         (run `send --help` for all options)\n"
                + "  events --bootstrap-servers HOST:PORT [-e NEW,UPDATE,DESTROY] [-p PROTO] [-s ADDR] ...\n"
                + "         read the flow events from Kafka and print them as `conntrack -E` does,\n"
                + "         with its filters (run `events --help` for all options)\n"
                + "  bench [--quick]\n"
                + "         the job measured on this machine, side by side with what it is compared\n"
                + "         with (run `bench --help`)";
    }
}
