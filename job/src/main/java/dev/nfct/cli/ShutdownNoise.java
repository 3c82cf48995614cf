package dev.nfct.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.message.Message;

/**
 * Drops the warnings Flink logs, stack trace and all, when a checkpoint is triggered while a
 * bounded job's tasks are finishing or already gone ("Checkpoint was declined (task is closing)",
 * "received a checkpoint request for unknown task"): a {@code demo --once} or bounded
 * {@code run} may end that way, and nothing is wrong. Any other checkpoint failure is still logged.
 */
final class ShutdownNoise extends AbstractFilter {
    static final String DECLINED_WHILE_CLOSING = "Checkpoint was declined (task is closing)";
    static final String TASK_ALREADY_GONE = "received a checkpoint request for unknown task";

    private ShutdownNoise() {
        super(Filter.Result.DENY, Filter.Result.NEUTRAL);
    }

    /** Adds the filter to the running Log4j configuration (a no-op under another logging backend). */
    static void install() {
        if (LogManager.getContext(false) instanceof LoggerContext ctx) {
            ctx.getConfiguration().addFilter(new ShutdownNoise());
            ctx.updateLoggers();
        }
    }

    // A filter of the whole configuration is asked before the event exists, through these.

    @Override
    public Result filter(Logger logger, Level level, Marker marker, Object msg, Throwable t) {
        return filter(t);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, Message msg, Throwable t) {
        return filter(t);
    }

    /** SLF4J's {@code warn(format, args..., throwable)}: the throwable is the last parameter. */
    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg, Object... params) {
        return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable t
                ? filter(t)
                : onMismatch;
    }

    @Override
    public Result filter(LogEvent event) {
        return filter(event.getThrown());
    }

    private Result filter(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains(DECLINED_WHILE_CLOSING) || m.contains(TASK_ALREADY_GONE)) {
                return onMatch;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return onMismatch;
    }
}
