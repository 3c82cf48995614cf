package dev.nfct.schema;

import dev.nfct.avro.TableEntry;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.Tuple;

/** Reading table-topic records back as the entries they describe (for {@code conntrack -L} views). */
public final class TableEntries {
    private static final long NANOS = 1_000_000_000L;

    private TableEntries() {}

    /**
     * The entry as a dump at {@code nowNs} shows it: the remaining timeout is counted from the
     * record's {@code expiresNs}, everything else is as recorded.
     */
    public static ConnEvent toDumpedEntry(TableEntry t, long nowNs) {
        Tuple orig = FlowTuples.toTuple(t.getOrig(), t.getFamily(), t.getProtocol(), t.getZone());
        Tuple reply = FlowTuples.toTuple(t.getReply(), t.getFamily(), t.getProtocol(), t.getZone());
        long[] counters = FlowEvents.counterArray(t.getCounters());
        long remaining = t.getExpiresNs() - nowNs;
        Long start = t.getStartNs();
        return new ConnEvent(
                null,
                0,
                nowNs,
                orig,
                reply,
                t.getStatus(),
                t.getState(),
                remaining <= 0 ? 0 : remaining / NANOS,
                counters,
                start != null,
                start != null ? start : 0,
                0,
                (int) t.getId(),
                (int) t.getMark());
    }
}
