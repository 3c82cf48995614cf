package dev.nfct.flink.operator;

import dev.nfct.avro.PacketEvent;
import dev.nfct.core.Packet;
import dev.nfct.flink.records.InputRecord;
import dev.nfct.schema.PacketEvents;
import dev.nfct.testing.Packets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Measures what live connections cost the keyed conntrack operator: heap bytes per entry with the
 * heap state backend (the JVM's used heap before and after, after a full GC), and checkpoint bytes
 * per entry with the heap backend (a full snapshot) and with RocksDB (an incremental one: its
 * SST files). Each connection is a UDP flow with a request and a reply (an entry with both
 * directions seen, as most live entries are), one key each, one host.
 *
 * <pre>
 * mvn -q install -DskipTests
 * mvn -pl flink verify -Dit.test=StateSizingITCase -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dnfct.sizing.entries=200000
 * </pre>
 *
 * The figures of docs/OPERATIONS.md come from it; {@code StateSizingITCase} also runs it small on
 * every build, so that it keeps working.
 */
public final class StateSizing {
    private StateSizing() {}

    /** What one run measured. */
    public record Sizes(int entries, long heapBytes, long heapCheckpointBytes, long rocksDbCheckpointBytes) {
        double per(long bytes) {
            return (double) bytes / entries;
        }

        @Override
        public String toString() {
            return String.format(
                    "entries=%d heap_bytes_per_entry=%.0f heap_checkpoint_bytes_per_entry=%.0f"
                            + " rocksdb_checkpoint_bytes_per_entry=%.0f",
                    entries, per(heapBytes), per(heapCheckpointBytes), per(rocksDbCheckpointBytes));
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        System.out.println(measure(n));
    }

    public static Sizes measure(int n) throws Exception {
        long[] heap = new long[1];
        long heapCheckpoint = run(n, false, heap);
        long rocks = run(n, true, null);
        return new Sizes(n, heap[0], heapCheckpoint, rocks);
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Feeds {@code n} flows, then snapshots; returns the snapshot's bytes (and the heap grown). */
    private static long run(int n, boolean rocksDb, long[] heapGrown) throws Exception {
        Map<String, Integer> sysctls = new LinkedHashMap<>();
        ConntrackOptions.SYSCTLS.forEach((name, option) -> sysctls.put(name, new Configuration().get(option)));
        sysctls.put("nf_conntrack_acct", 1);
        sysctls.put("nf_conntrack_timestamp", 1);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new ConntrackOperator(sysctls, 5_000_000_000L, 0, TableUpdates.OFF, false),
                new PacketKeySelector(),
                org.apache.flink.api.common.typeinfo.Types.LONG,
                128,
                1,
                0)) {
            if (rocksDb) {
                h.setStateBackend(new EmbeddedRocksDBStateBackend(true));
            }
            // Checkpoints to files (memory-backed storage refuses more than 5 MB).
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("nfct-sizing");
            h.setCheckpointStorage(new org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage(dir.toUri()));
            h.open();
            long before = heapGrown != null ? used() : 0;
            long t = 1_700_000_000_000_000_000L;
            for (int i = 0; i < n; i++) {
                String client = "10." + ((i >>> 16) & 0xff) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff);
                int port = 1024 + (i % 60000);
                Packet request = Packets.udp(client, port, "192.0.2.53", 53).build();
                Packet reply = Packets.udp("192.0.2.53", 53, client, port).build();
                h.processElement(new StreamRecord<>(InputRecord.packet(seenOnce(request, 2L * i, t))));
                h.processElement(new StreamRecord<>(InputRecord.packet(seenOnce(reply, 2L * i + 1, t))));
            }
            if (heapGrown != null) {
                heapGrown[0] = used() - before;
            }
            OperatorSubtaskState snapshot = h.snapshot(1, 1);
            long size = snapshot.getStateSize();
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
            return size;
        }
    }

    private static PacketEvent seenOnce(Packet p, long id, long t) {
        return PacketEvents.fromPacket(p, "fw-1", id, t);
    }
}
