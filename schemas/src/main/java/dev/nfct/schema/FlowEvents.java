package dev.nfct.schema;

import dev.nfct.avro.Counters;
import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.FlowEventType;
import dev.nfct.avro.TableEntry;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.EventType;
import dev.nfct.core.Status;
import dev.nfct.core.Tuple;
import dev.nfct.core.format.EventFormat;

/**
 * The job's output records ({@code FlowEvent}, {@code TableEntry}) from the engine's
 * {@link ConnEvent}s, and their text forms.
 *
 * <p>The text forms do not re-implement the {@code conntrack} format: they rebuild the ConnEvent
 * a FlowEvent came from ({@link #toConnEvent}) and hand it to {@link EventFormat}, so a FlowEvent
 * prints exactly as the engine's event does and the format lives in one place.
 *
 * <p>Start and stop times follow the contract (and the kernel's messages): they are set on DESTROY
 * only. The engine also keeps them on NEW/UPDATE events, where {@link EventFormat#json} shows
 * {@code start_ns}; {@link #json} of such an event therefore has no {@code start_ns}.
 */
public final class FlowEvents {
    private FlowEvents() {}

    /** The record of one engine event ({@code host}: the table it happened in). */
    public static FlowEvent fromConnEvent(ConnEvent e, String host) {
        if (e.type == null) {
            throw new IllegalArgumentException("a table dump is not an event: use tableEntry for " + e);
        }
        FlowEvent f = new FlowEvent();
        f.setType(FlowEventType.valueOf(e.type.name()));
        f.setHost(host);
        f.setZone(e.zone());
        f.setTimestampNs(e.time);
        f.setFamily(e.orig.family);
        f.setProtocol(e.protocol());
        f.setOrig(FlowTuples.of(e.orig));
        f.setReply(FlowTuples.of(e.reply));
        f.setState(e.stateName);
        f.setTimeoutSeconds(e.timeoutSeconds >= 0 ? e.timeoutSeconds : null);
        f.setStatus(e.status);
        f.setAssured((e.status & Status.ASSURED) != 0);
        f.setUnreplied((e.status & Status.SEEN_REPLY) == 0);
        f.setEventBits(e.bits);
        f.setCounters(counters(e.counters));
        if (e.type == EventType.DESTROY && e.hasTimestamp) {
            f.setStartNs(e.start);
            f.setStopNs(e.stop != 0 ? e.stop : null);
        }
        f.setId(Integer.toUnsignedLong(e.id));
        f.setMark(Integer.toUnsignedLong(e.mark));
        return f;
    }

    /**
     * The table topic's record for an entry as the engine dumps it ({@code Conntrack.dumpEntry}).
     *
     * @param expiresNs event time at which the entry expires unless refreshed
     */
    public static TableEntry tableEntry(ConnEvent dumpedEntry, String host, long expiresNs) {
        ConnEvent e = dumpedEntry;
        TableEntry t = new TableEntry();
        t.setHost(host);
        t.setZone(e.zone());
        t.setUpdatedNs(e.time);
        t.setFamily(e.orig.family);
        t.setProtocol(e.protocol());
        t.setOrig(FlowTuples.of(e.orig));
        t.setReply(FlowTuples.of(e.reply));
        t.setState(e.stateName);
        t.setExpiresNs(expiresNs);
        t.setStatus(e.status);
        t.setAssured((e.status & Status.ASSURED) != 0);
        t.setUnreplied((e.status & Status.SEEN_REPLY) == 0);
        t.setCounters(counters(e.counters));
        t.setStartNs(e.hasTimestamp ? e.start : null);
        t.setId(Integer.toUnsignedLong(e.id));
        t.setMark(Integer.toUnsignedLong(e.mark));
        return t;
    }

    /**
     * The table topic's record key for the entry an event is about ({@link FlowKeys}); also the
     * key of the tombstone that a DESTROY becomes there.
     */
    public static String tableKey(ConnEvent e, String host) {
        return FlowKeys.text(host, e.orig);
    }

    private static Counters counters(long[] c) {
        return c == null ? null : new Counters(c[0], c[1], c[2], c[3]);
    }

    /** A record's counters as the engine's array: orig packets, orig bytes, reply packets, reply bytes. */
    static long[] counterArray(Counters c) {
        return c == null
                ? null
                : new long[] {c.getOrigPackets(), c.getOrigBytes(), c.getReplyPackets(), c.getReplyBytes()};
    }

    /**
     * The event type of a FlowEvent: its type, or for UNKNOWN (a symbol from a newer writer) or a
     * missing type the one its event bits make it, as the kernel derives it.
     */
    public static EventType type(FlowEvent f) {
        return f.getType() == null || f.getType() == FlowEventType.UNKNOWN
                ? EventType.of(f.getEventBits())
                : EventType.valueOf(f.getType().name());
    }

    /**
     * The engine event a FlowEvent describes (as far as a message shows it). An UNKNOWN type (a
     * symbol from a newer writer) is recovered from the event bits, as the kernel derives it.
     *
     * @throws IllegalArgumentException when a tuple's address text or L4 fields are unusable
     */
    public static ConnEvent toConnEvent(FlowEvent f) {
        EventType type = type(f);
        Tuple orig = FlowTuples.toTuple(f.getOrig(), f.getFamily(), f.getProtocol(), f.getZone());
        Tuple reply = FlowTuples.toTuple(f.getReply(), f.getFamily(), f.getProtocol(), f.getZone());
        long[] counters = counterArray(f.getCounters());
        Long start = f.getStartNs(), stop = f.getStopNs(), timeout = f.getTimeoutSeconds();
        return new ConnEvent(
                type,
                f.getEventBits(),
                f.getTimestampNs(),
                orig,
                reply,
                f.getStatus(),
                f.getState(),
                timeout != null ? timeout : -1,
                counters,
                start != null,
                start != null ? start : 0,
                stop != null ? stop : 0,
                (int) f.getId(),
                (int) f.getMark());
    }

    /** The {@code conntrack -E} line ({@code -o extended} when asked), exactly as for the engine's event. */
    public static String conntrackLine(FlowEvent f, boolean extended) {
        return EventFormat.event(toConnEvent(f), extended);
    }

    /**
     * {@link EventFormat#json} of the event, with the host first: {@code {"host":"h1","type":"NEW",...}}.
     * A consumer of a multi-host topic cannot tell the flows apart without it.
     */
    public static String json(FlowEvent f) {
        String body = EventFormat.json(toConnEvent(f));
        StringBuilder sb = new StringBuilder(body.length() + 32).append("{\"host\":");
        jsonString(sb, f.getHost());
        return sb.append(',').append(body, 1, body.length()).toString();
    }

    private static void jsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
