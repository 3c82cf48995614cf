package dev.nfct.core;

/**
 * One event message, with the entry as it was at delivery time (the kernel reads the entry when it
 * builds the message, not when the change happened). Fields a message of this kind does not carry
 * are absent: {@link #stateName} is null without protocol info, {@link #timeoutSeconds} is -1
 * when no timeout attribute is sent, {@link #counters} is null outside DESTROY or without acct.
 *
 * <p>A snapshot: every field is a value read when the message was built (the tuples are immutable
 * values, the counters a copy), and nothing leads back to the live entry.
 */
public final class ConnEvent {
    public final EventType type;
    public final int bits;
    /** Event time (ns) at which the message was produced. */
    public final long time;

    public final Tuple orig;
    public final Tuple reply;
    public final int status;
    public final String stateName;
    public final long timeoutSeconds;
    /** {origPackets, origBytes, replyPackets, replyBytes}, or null. */
    public final long[] counters;
    /** Whether the entry has the timestamp extension (DESTROY then carries start/stop). */
    public final boolean hasTimestamp;

    public final long start, stop;
    public final int id;
    public final int mark;

    public ConnEvent(
            EventType type,
            int bits,
            long time,
            Tuple orig,
            Tuple reply,
            int status,
            String stateName,
            long timeoutSeconds,
            long[] counters,
            boolean hasTimestamp,
            long start,
            long stop,
            int id,
            int mark) {
        this.type = type;
        this.bits = bits;
        this.time = time;
        this.orig = orig;
        this.reply = reply;
        this.status = status;
        this.stateName = stateName;
        this.timeoutSeconds = timeoutSeconds;
        this.counters = counters;
        this.hasTimestamp = hasTimestamp;
        this.start = start;
        this.stop = stop;
        this.id = id;
        this.mark = mark;
    }

    public int zone() {
        return orig.zone;
    }

    public int protocol() {
        return orig.protocol;
    }

    @Override
    public String toString() {
        // A debugging form; format.EventFormat prints events as conntrack does.
        return "ConnEvent[" + type + " bits=0x" + Integer.toHexString(bits) + " " + orig + " / " + reply + " state="
                + stateName + " id=" + Integer.toUnsignedString(id) + "]";
    }
}
