package dev.nfct.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Test helper (not a test): one in-process run of a command's {@code run(args, out, err)}, with
 * its exit status, what it printed on stdout and stderr (UTF-8) and how long it took.
 */
final class CommandRun {
    /** A command's entry point, as {@code EventsCommand::run} or {@code ReplayCommand::run}. */
    interface Command {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    final int status;
    final String out;
    final String err;
    final long millis;

    private CommandRun(int status, String out, String err, long millis) {
        this.status = status;
        this.out = out;
        this.err = err;
        this.millis = millis;
    }

    static CommandRun of(Command command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int status = command.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandRun(
                status,
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** The lines of stdout ({@link String#lines()}: no empty last line). */
    List<String> lines() {
        return out.lines().toList();
    }
}
