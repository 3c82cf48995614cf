package dev.nfct.flink.operator;

/** When the operator writes an entry to the table output. */
public enum TableUpdates {
    /** No table output. */
    OFF,
    /**
     * With every event (NEW and UPDATE write the entry, DESTROY a tombstone). State and flags are
     * always current; counters and remaining timeouts are as of the entry's last event.
     */
    EVENTS,
    /**
     * Also after every packet that changed an entry: the table is exactly {@code conntrack -L} at any
     * moment, at the cost of one table record per packet.
     */
    PACKETS
}
