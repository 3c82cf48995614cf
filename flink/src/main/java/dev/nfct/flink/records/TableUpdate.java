package dev.nfct.flink.records;

import dev.nfct.avro.TableEntry;

/**
 * One change of a host's table for the compacted table topic: the entry as it is now, or a
 * tombstone ({@code entry == null}) when it was destroyed. A Flink POJO.
 */
public class TableUpdate {
    /** Kafka record key: host, zone and ORIGINAL tuple. */
    public String key;
    /** The entry, or null for a tombstone. */
    public TableEntry entry;

    public TableUpdate() {}

    public TableUpdate(String key, TableEntry entry) {
        this.key = key;
        this.entry = entry;
    }

    @Override
    public String toString() {
        return key + " -> " + (entry == null ? "(tombstone)" : entry.toString());
    }
}
