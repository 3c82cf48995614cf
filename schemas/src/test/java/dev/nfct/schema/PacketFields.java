package dev.nfct.schema;

import dev.nfct.core.Packet;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

/**
 * A text of a {@link Packet}'s fields, to compare two packets field by field with a readable diff.
 * Found by reflection, so a field added to Packet later is compared too (and fails the round trip
 * until the mapping carries it).
 */
final class PacketFields {
    /** What the contract carries of an ICMP error's quoted packet ({@code EmbeddedPacket}). */
    static final List<String> QUOTED = List.of(
            "family",
            "srcHi",
            "srcLo",
            "dstHi",
            "dstLo",
            "protocol",
            "l3Length",
            "l4Length",
            "l4Unreachable",
            "srcPort",
            "dstPort",
            "icmpType",
            "icmpCode",
            "icmpId",
            "greVersion",
            "greProtocol",
            "greCallId",
            "inner");

    private PacketFields() {}

    static String of(Packet p) {
        return of(p, null);
    }

    private static String of(Packet p, List<String> only) {
        if (p == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("{");
        for (Field f : Packet.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) || only != null && !only.contains(f.getName())) {
                continue;
            }
            sb.append(f.getName()).append('=');
            try {
                Object v = f.get(p);
                if (f.getName().equals("inner")) {
                    sb.append(of((Packet) v, QUOTED));
                } else if (v instanceof int[] a) {
                    sb.append(Arrays.toString(Arrays.copyOf(a, p.sctpChunkCount)));
                } else if (v instanceof long[] a) {
                    sb.append(Arrays.toString(Arrays.copyOf(a, p.sctpChunkCount)));
                } else {
                    sb.append(v);
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
            sb.append(", ");
        }
        return sb.append('}').toString();
    }
}
