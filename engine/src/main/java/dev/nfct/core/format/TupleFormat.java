package dev.nfct.core.format;

import dev.nfct.core.Packet;
import dev.nfct.core.Tuple;
import dev.nfct.core.proto.Trackers;

/** Text forms of addresses and tuples as the {@code conntrack} tool prints them. */
public final class TupleFormat {
    private TupleFormat() {}

    /** Protocol names the conntrack tool knows; everything else prints as {@code unknown}. */
    public static String l4Name(int protocol) {
        switch (protocol) {
            case Packet.IPPROTO_TCP:
                return "tcp";
            case Packet.IPPROTO_UDP:
                return "udp";
            case Packet.IPPROTO_UDPLITE:
                return "udplite";
            case Packet.IPPROTO_ICMP:
                return "icmp";
            case Packet.IPPROTO_ICMPV6:
                return "icmpv6";
            case Packet.IPPROTO_SCTP:
                return "sctp";
            case Packet.IPPROTO_GRE:
                return "gre";
            case Packet.IPPROTO_DCCP:
                return "dccp";
            default:
                return "unknown";
        }
    }

    public static String l3Name(int family) {
        return family == Packet.AF_INET6 ? "ipv6" : "ipv4";
    }

    /** {@code src=.. dst=.. sport=.. dport=..} (or the ICMP / GRE form, or addresses only). */
    public static String tuple(Tuple t) {
        StringBuilder sb = new StringBuilder(64);
        appendTuple(sb, t);
        return sb.toString();
    }

    public static void appendTuple(StringBuilder sb, Tuple t) {
        sb.append("src=");
        appendAddress(sb, t.family, t.srcHi, t.srcLo);
        sb.append(" dst=");
        appendAddress(sb, t.family, t.dstHi, t.dstLo);
        switch (Trackers.l4Kind(t.protocol)) {
            case PORTS -> sb.append(" sport=").append(t.srcU).append(" dport=").append(t.dstU);
            case ICMP ->
                sb.append(" type=")
                        .append(t.icmpType())
                        .append(" code=")
                        .append(t.icmpCode())
                        .append(" id=")
                        .append(t.srcU);
            case GRE ->
                sb.append(" srckey=0x")
                        .append(Integer.toHexString(t.srcU))
                        .append(" dstkey=0x")
                        .append(Integer.toHexString(t.dstU));
            case NONE -> {}
        }
    }

    public static String address(int family, long hi, long lo) {
        StringBuilder sb = new StringBuilder(40);
        appendAddress(sb, family, hi, lo);
        return sb.toString();
    }

    public static void appendAddress(StringBuilder sb, int family, long hi, long lo) {
        if (family != Packet.AF_INET6) {
            appendIpv4(sb, (int) lo);
            return;
        }
        int[] w = new int[8];
        for (int i = 0; i < 4; i++) {
            w[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            w[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        // The longest run of two or more zero words is written as "::" (the first one on a tie).
        int bestBase = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            // IPv4-compatible and IPv4-mapped addresses end in dotted quad, as inet_ntop writes them.
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
                appendIpv4(sb, (int) lo);
                return;
            }
            sb.append(Integer.toHexString(w[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            sb.append(':');
        }
    }

    private static void appendIpv4(StringBuilder sb, int a) {
        sb.append((a >>> 24) & 0xff)
                .append('.')
                .append((a >>> 16) & 0xff)
                .append('.')
                .append((a >>> 8) & 0xff)
                .append('.')
                .append(a & 0xff);
    }
}
