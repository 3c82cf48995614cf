package dev.nfct.schema;

import dev.nfct.avro.FlowTuple;
import dev.nfct.core.Tuple;
import dev.nfct.core.format.TupleFormat;
import dev.nfct.core.proto.Trackers;

/**
 * Engine {@link Tuple} to {@code FlowTuple} and back. Which L4 fields a FlowTuple carries follows
 * the protocol exactly as {@link TupleFormat#appendTuple} prints them (ports, ICMP type/code/id,
 * GRE keys, or nothing), so the record shows what {@code conntrack} shows and nothing more.
 */
final class FlowTuples {
    private FlowTuples() {}

    static FlowTuple of(Tuple t) {
        FlowTuple f = new FlowTuple();
        f.setSrc(TupleFormat.address(t.family, t.srcHi, t.srcLo));
        f.setDst(TupleFormat.address(t.family, t.dstHi, t.dstLo));
        switch (Trackers.l4Kind(t.protocol)) {
            case PORTS -> {
                f.setSrcPort(t.srcU);
                f.setDstPort(t.dstU);
            }
            case ICMP -> {
                f.setIcmpType(t.icmpType());
                f.setIcmpCode(t.icmpCode());
                f.setIcmpId(t.srcU);
            }
            case GRE -> {
                f.setGreSrcKey(t.srcU);
                f.setGreDstKey(t.dstU);
            }
            default -> {}
        }
        return f;
    }

    /** The engine tuple a FlowTuple was made from (addresses parsed, no DNS). */
    static Tuple toTuple(FlowTuple f, int family, int protocol, int zone) {
        long[] src = AddressText.parse(f.getSrc(), family);
        long[] dst = AddressText.parse(f.getDst(), family);
        int srcU = 0, dstU = 0;
        switch (Trackers.l4Kind(protocol)) {
            case PORTS -> {
                srcU = need(f.getSrcPort(), "srcPort", protocol);
                dstU = need(f.getDstPort(), "dstPort", protocol);
            }
            case ICMP -> {
                srcU = need(f.getIcmpId(), "icmpId", protocol);
                dstU = (need(f.getIcmpType(), "icmpType", protocol) & 0xff) << 8
                        | need(f.getIcmpCode(), "icmpCode", protocol) & 0xff;
            }
            case GRE -> {
                srcU = need(f.getGreSrcKey(), "greSrcKey", protocol);
                dstU = need(f.getGreDstKey(), "greDstKey", protocol);
            }
            default -> {}
        }
        return new Tuple(family, protocol, src[0], src[1], dst[0], dst[1], srcU, dstU, zone);
    }

    private static int need(Integer v, String field, int protocol) {
        if (v == null) {
            throw new IllegalArgumentException("FlowTuple of a " + TupleFormat.l4Name(protocol) + " flow (protocol "
                    + protocol + ") lacks " + field);
        }
        return v;
    }
}
