package dev.nfct.schema;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.FlowTuple;
import dev.nfct.avro.TableEntry;
import dev.nfct.core.Tuple;
import dev.nfct.core.format.TupleFormat;
import dev.nfct.core.proto.Trackers;
import java.nio.charset.StandardCharsets;

/**
 * The Kafka record key of the flow-event and table topics: which conntrack entry a record is about.
 *
 * <p>Format (UTF-8): {@code HOST|ZONE|L3|L4|TUPLE}, for example
 * <pre>
 * gw1|0|ipv4|tcp|src=192.0.2.1 dst=192.0.2.2 sport=40000 dport=80
 * gw1|7|ipv6|icmpv6|src=2001:db8::1 dst=2001:db8::2 type=128 code=0 id=42
 * gw1|0|ipv4|89|src=192.0.2.1 dst=224.0.0.5
 * </pre>
 * <ul>
 *   <li>HOST: the host name with {@code %} and {@code |} percent-encoded ({@code %25}, {@code %7C}),
 *       so no host name can fake the separators;</li>
 *   <li>ZONE: decimal; L3: {@code ipv4} or {@code ipv6};</li>
 *   <li>L4: the name {@code conntrack} prints ({@code tcp udp udplite sctp dccp icmp icmpv6 gre}),
 *       or the protocol number for every other protocol (they all print as {@code unknown}, which
 *       would merge different protocols into one key);</li>
 *   <li>TUPLE: the ORIGINAL tuple as {@code conntrack} prints it.</li>
 * </ul>
 * Everything in it is fixed for an entry's whole life (the original tuple never changes), so
 * every event of one entry has the same key: Kafka keeps a flow's events in one partition, in
 * order, and compaction of the table topic keeps the last record (or tombstone) of each entry.
 * A new entry for the same tuple after the old one died gets the same key, as it should: it
 * replaces the old one in {@code conntrack -L} too. Readable text, because these keys are what an
 * operator greps for in {@code kafka-console-consumer} output.
 */
public final class FlowKeys {
    private FlowKeys() {}

    public static byte[] key(String host, int zone, FlowTuple orig, int family, int protocol) {
        return text(host, zone, orig, family, protocol).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] key(FlowEvent e) {
        return key(e.getHost(), e.getZone(), e.getOrig(), e.getFamily(), e.getProtocol());
    }

    public static byte[] key(TableEntry t) {
        return key(t.getHost(), t.getZone(), t.getOrig(), t.getFamily(), t.getProtocol());
    }

    /** The key as a string (what {@link #key} encodes). */
    public static String text(String host, int zone, FlowTuple orig, int family, int protocol) {
        StringBuilder sb = prefix(host, zone, family, protocol);
        sb.append("src=").append(orig.getSrc()).append(" dst=").append(orig.getDst());
        // A missing field prints as "null": a key function must not fail the sink.
        switch (Trackers.l4Kind(protocol)) {
            case PORTS ->
                sb.append(" sport=").append(orig.getSrcPort()).append(" dport=").append(orig.getDstPort());
            case ICMP ->
                sb.append(" type=")
                        .append(orig.getIcmpType())
                        .append(" code=")
                        .append(orig.getIcmpCode())
                        .append(" id=")
                        .append(orig.getIcmpId());
            case GRE ->
                sb.append(" srckey=0x")
                        .append(hex(orig.getGreSrcKey()))
                        .append(" dstkey=0x")
                        .append(hex(orig.getGreDstKey()));
            default -> {}
        }
        return sb.toString();
    }

    /**
     * The same key text straight from the engine's ORIGINAL tuple (zone, family and protocol are
     * in it), without building a FlowTuple first: the operator keys its table updates with it.
     */
    public static String text(String host, Tuple orig) {
        StringBuilder sb = prefix(host, orig.zone, orig.family, orig.protocol);
        TupleFormat.appendTuple(sb, orig);
        return sb.toString();
    }

    private static StringBuilder prefix(String host, int zone, int family, int protocol) {
        StringBuilder sb = new StringBuilder(112);
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '%') {
                sb.append("%25");
            } else if (c == '|') {
                sb.append("%7C");
            } else {
                sb.append(c);
            }
        }
        sb.append('|')
                .append(zone)
                .append('|')
                .append(TupleFormat.l3Name(family))
                .append('|');
        String l4 = TupleFormat.l4Name(protocol);
        return (l4.equals("unknown") ? sb.append(protocol) : sb.append(l4)).append('|');
    }

    /** The host name a key text starts with: the inverse of the escaping {@code prefix} does. */
    public static String host(String keyText) {
        String h = keyText.substring(0, keyText.indexOf('|'));
        return h.replace("%7C", "|").replace("%25", "%");
    }

    private static String hex(Integer v) {
        return v == null ? "null" : Integer.toHexString(v);
    }
}
