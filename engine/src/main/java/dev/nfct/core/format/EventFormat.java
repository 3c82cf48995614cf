package dev.nfct.core.format;

import dev.nfct.core.ConnEvent;
import dev.nfct.core.EventBits;
import dev.nfct.core.EventType;
import dev.nfct.core.Status;
import dev.nfct.core.Tuple;
import dev.nfct.core.proto.Trackers;

/**
 * Renders events and table entries exactly as the {@code conntrack} tool (conntrack-tools 1.4.7 with
 * libnetfilter_conntrack 1.0.9) prints them, and as JSON for programs.
 */
public final class EventFormat {
    private static final long NANOS = 1_000_000_000L;

    private EventFormat() {}

    /** One {@code conntrack -E} line without the timestamp prefix ({@code -o extended} adds the L3 column). */
    public static String event(ConnEvent e, boolean extended) {
        StringBuilder sb = new StringBuilder(200);
        String label = e.type.label;
        for (int i = label.length(); i < 9; i++) {
            sb.append(' ');
        }
        sb.append(label).append(' ');
        body(sb, e, extended, false);
        return sb.toString();
    }

    /** One {@code conntrack -L} line (a dump shows everything, with {@code mark=} and {@code use=}). */
    public static String entry(ConnEvent e, boolean extended) {
        StringBuilder sb = new StringBuilder(200);
        body(sb, e, extended, true);
        return sb.toString();
    }

    private static void body(StringBuilder sb, ConnEvent e, boolean extended, boolean dump) {
        Tuple o = e.orig;
        if (extended) {
            pad(sb, TupleFormat.l3Name(o.family), 8)
                    .append(' ')
                    .append(o.family)
                    .append(' ');
        }
        pad(sb, TupleFormat.l4Name(o.protocol), 8)
                .append(' ')
                .append(o.protocol)
                .append(' ');
        if (e.timeoutSeconds >= 0) {
            sb.append(e.timeoutSeconds).append(' ');
        }
        if (e.stateName != null) {
            sb.append(e.stateName).append(' ');
        }
        TupleFormat.appendTuple(sb, o);
        sb.append(' ');
        if (e.counters != null) {
            sb.append("packets=")
                    .append(e.counters[0])
                    .append(" bytes=")
                    .append(e.counters[1])
                    .append(' ');
        }
        if ((e.status & Status.SEEN_REPLY) == 0) {
            sb.append("[UNREPLIED] ");
        }
        TupleFormat.appendTuple(sb, e.reply);
        sb.append(' ');
        if (e.counters != null) {
            sb.append("packets=")
                    .append(e.counters[2])
                    .append(" bytes=")
                    .append(e.counters[3])
                    .append(' ');
        }
        if ((e.status & Status.HW_OFFLOAD) != 0) {
            sb.append("[HW_OFFLOAD] ");
        } else if ((e.status & Status.OFFLOAD) != 0) {
            sb.append("[OFFLOAD] ");
        } else if ((e.status & Status.ASSURED) != 0) {
            sb.append("[ASSURED] ");
        }
        if (dump || e.mark != 0 || (e.bits & EventBits.MARK) != 0) {
            sb.append("mark=").append(Integer.toUnsignedString(e.mark)).append(' ');
        }
        if (o.zone != 0) {
            sb.append("zone=").append(o.zone).append(' ');
        }
        if (e.hasTimestamp && (dump || e.type == EventType.DESTROY)) {
            // libnetfilter_conntrack truncates both ends to whole seconds before subtracting.
            long end = e.stop != 0 ? e.stop : e.time;
            long delta = Math.floorDiv(end, NANOS) - Math.floorDiv(e.start, NANOS);
            sb.append("delta-time=").append(Math.max(0, delta)).append(' ');
        }
        if (dump) {
            sb.append("use=1 ");
        }
        sb.setLength(sb.length() - 1); // the tool removes the final space
    }

    private static StringBuilder pad(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb;
    }

    /** One event or entry as a JSON object (one line; fields absent from the message are omitted). */
    public static String json(ConnEvent e) {
        StringBuilder sb = new StringBuilder(300);
        sb.append('{');
        if (e.type != null) {
            sb.append("\"type\":\"").append(e.type.name()).append("\",");
        }
        sb.append("\"time_ns\":")
                .append(e.time)
                .append(",\"l3\":\"")
                .append(TupleFormat.l3Name(e.orig.family))
                .append("\",\"l4\":\"")
                .append(TupleFormat.l4Name(e.orig.protocol))
                .append("\",\"protonum\":")
                .append(e.orig.protocol);
        if (e.timeoutSeconds >= 0) {
            sb.append(",\"timeout\":").append(e.timeoutSeconds);
        }
        if (e.stateName != null) {
            sb.append(",\"state\":\"").append(e.stateName).append('"');
        }
        sb.append(",\"orig\":");
        jsonTuple(sb, e.orig);
        sb.append(",\"reply\":");
        jsonTuple(sb, e.reply);
        sb.append(",\"status\":[");
        String[] names = {
            "EXPECTED",
            "SEEN_REPLY",
            "ASSURED",
            "CONFIRMED",
            "SRC_NAT",
            "DST_NAT",
            "SEQ_ADJUST",
            "SRC_NAT_DONE",
            "DST_NAT_DONE",
            "DYING",
            "FIXED_TIMEOUT",
            "TEMPLATE",
            "NAT_CLASH",
            "HELPER",
            "OFFLOAD",
            "HW_OFFLOAD"
        };
        boolean first = true;
        for (int i = 0; i < names.length; i++) {
            if ((e.status & (1 << i)) != 0) {
                sb.append(first ? "" : ",").append('"').append(names[i]).append('"');
                first = false;
            }
        }
        sb.append(']');
        if (e.counters != null) {
            sb.append(",\"orig_packets\":")
                    .append(e.counters[0])
                    .append(",\"orig_bytes\":")
                    .append(e.counters[1])
                    .append(",\"reply_packets\":")
                    .append(e.counters[2])
                    .append(",\"reply_bytes\":")
                    .append(e.counters[3]);
        }
        if (e.hasTimestamp && e.start != 0) {
            sb.append(",\"start_ns\":").append(e.start);
            if (e.stop != 0) {
                sb.append(",\"stop_ns\":").append(e.stop);
            }
        }
        if (e.orig.zone != 0) {
            sb.append(",\"zone\":").append(e.orig.zone);
        }
        sb.append(",\"mark\":")
                .append(Integer.toUnsignedString(e.mark))
                .append(",\"id\":")
                .append(Integer.toUnsignedString(e.id))
                .append('}');
        return sb.toString();
    }

    private static void jsonTuple(StringBuilder sb, Tuple t) {
        sb.append("{\"src\":\"")
                .append(TupleFormat.address(t.family, t.srcHi, t.srcLo))
                .append("\",\"dst\":\"")
                .append(TupleFormat.address(t.family, t.dstHi, t.dstLo))
                .append('"');
        switch (Trackers.l4Kind(t.protocol)) {
            case ICMP ->
                sb.append(",\"type\":")
                        .append(t.icmpType())
                        .append(",\"code\":")
                        .append(t.icmpCode())
                        .append(",\"id\":")
                        .append(t.srcU);
            case GRE ->
                sb.append(",\"srckey\":").append(t.srcU).append(",\"dstkey\":").append(t.dstU);
            case PORTS ->
                sb.append(",\"sport\":").append(t.srcU).append(",\"dport\":").append(t.dstU);
            case NONE -> {}
        }
        sb.append('}');
    }
}
