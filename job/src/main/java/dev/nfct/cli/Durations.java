package dev.nfct.cli;

import java.time.Duration;

/** Durations on the command line, as Flink writes them (500ms, 10s, 2min, 1h), with usage errors. */
final class Durations {
    private Durations() {}

    /** @throws IllegalArgumentException naming the option, for anything that is not a duration */
    static Duration parse(String option, String value) {
        try {
            return org.apache.flink.util.TimeUtils.parseDuration(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    option + " must be a duration (e.g. 500ms, 10s, 1min), not '" + value + "'");
        }
    }
}
