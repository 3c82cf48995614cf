package dev.nfct.replay;

import dev.nfct.core.ConnEvent;
import dev.nfct.core.Packet;
import dev.nfct.core.Status;
import dev.nfct.core.Tuple;
import dev.nfct.core.format.TupleFormat;

/**
 * The normalised one-line form our kernel conformance runner (conformance/kernel) writes for kernel
 * events and table entries, so our output can be compared with the kernel's line by line:
 * <pre>EVENT L3 L4 STATE TIMEOUT | ORIG TUPLE | REPLY TUPLE | FLAGS | COUNTERS</pre>
 * Timestamps, ids, {@code delta-time} and zero marks/zones are left out; counters appear on
 * DESTROY events and table entries only, as {@code packets=O:R bytes=O:R}.
 */
public final class OracleFormat {
    private OracleFormat() {}

    /** An event line. The harness's event listener names a few more protocols than the tool does. */
    public static String event(ConnEvent e) {
        return line(e.type.name(), listenerL4Name(e.protocol()), e, !portsOnlyInDumps(e.protocol()));
    }

    /** A table entry line ({@code conntrack -L}, so the tool's protocol names). */
    public static String entry(ConnEvent e) {
        return line("ENTRY", TupleFormat.l4Name(e.protocol()), e, true);
    }

    /**
     * DCCP: the 6.18 kernel has no tracker of its own for it, and its generic tracker puts no
     * ports in the netlink messages the event listener reads; the {@code conntrack} tool still
     * prints the ports of a DCCP entry it lists, as 0 (observed with the kernel runner).
     */
    private static boolean portsOnlyInDumps(int protocol) {
        return protocol == Packet.IPPROTO_DCCP;
    }

    private static String tuple(Tuple t, boolean l4) {
        if (l4) {
            return TupleFormat.tuple(t);
        }
        return "src=" + TupleFormat.address(t.family, t.srcHi, t.srcLo) + " dst="
                + TupleFormat.address(t.family, t.dstHi, t.dstLo);
    }

    private static String line(String kind, String l4, ConnEvent e, boolean l4Words) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(kind)
                .append(' ')
                .append(TupleFormat.l3Name(e.orig.family))
                .append(' ')
                .append(l4)
                .append(' ')
                .append(e.stateName != null ? e.stateName : "-")
                .append(' ')
                .append(e.timeoutSeconds >= 0 ? Long.toString(e.timeoutSeconds) : "-")
                .append(" | ")
                .append(tuple(e.orig, l4Words))
                .append(" | ")
                .append(tuple(e.reply, l4Words))
                .append(" | ");
        String flags = "";
        if ((e.status & Status.SEEN_REPLY) == 0) {
            flags = "UNREPLIED";
        }
        String last = (e.status & Status.HW_OFFLOAD) != 0
                ? "HW_OFFLOAD"
                : (e.status & Status.OFFLOAD) != 0 ? "OFFLOAD" : (e.status & Status.ASSURED) != 0 ? "ASSURED" : "";
        if (!last.isEmpty()) {
            flags = flags.isEmpty() ? last : flags + "," + last;
        }
        sb.append(flags.isEmpty() ? "-" : flags).append(" | ");
        long[] c = e.counters;
        if (c != null) {
            sb.append("packets=")
                    .append(c[0])
                    .append(':')
                    .append(c[2])
                    .append(" bytes=")
                    .append(c[1])
                    .append(':')
                    .append(c[3]);
        } else {
            sb.append('-');
        }
        StringBuilder extra = new StringBuilder();
        if (e.mark != 0) {
            extra.append(" mark=").append(Integer.toUnsignedString(e.mark));
        }
        if (e.orig.zone != 0) {
            extra.append(" zone=").append(e.orig.zone);
        }
        if (extra.length() > 0) {
            sb.append(" |").append(extra);
        }
        return sb.toString();
    }

    private static String listenerL4Name(int protocol) {
        switch (protocol) {
            case 2:
                return "igmp";
            case 50:
                return "esp";
            case 51:
                return "ah";
            default:
                return TupleFormat.l4Name(protocol);
        }
    }
}
