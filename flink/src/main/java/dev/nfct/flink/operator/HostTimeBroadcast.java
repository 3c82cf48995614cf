package dev.nfct.flink.operator;

import dev.nfct.flink.records.InputRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Tells every conntrack subtask how far each host's time has got on this source subtask.
 *
 * <p>A subtask learns a host's time from that host's packets, and with parallelism above 1 it
 * receives only the packets keyed to it: a flow whose subtask gets no more packets of its host
 * would wait for one to expire. So the decode step, which sees all of a source subtask's packets,
 * sends now and then (see {@link DecodeOperator}) a record with each host's newest packet time to
 * every key group. The record travels the same channels as the packets, after them, so a subtask
 * never hears of a time before the packets up to it have arrived.
 */
public final class HostTimeBroadcast {
    /** One key per key group, so that a record sent under each reaches every subtask. */
    private final long[] keyPerKeyGroup;

    /** Each host's newest packet time, in a one-element array so a packet updates it in place. */
    private final Map<String, long[]> newest = new HashMap<>();

    private final Map<String, Long> sent = new HashMap<>();

    /** @param maxParallelism the key groups of the conntrack operator */
    public HostTimeBroadcast(int maxParallelism) {
        this.keyPerKeyGroup = keysForEachKeyGroup(maxParallelism);
    }

    /** Notes a packet's host and time (on the per-packet path: one lookup, nothing allocated). */
    public void observe(String host, long timeNs) {
        long[] t = newest.get(host);
        if (t == null) {
            newest.put(host, new long[] {timeNs});
        } else if (timeNs > t[0]) {
            t[0] = timeNs;
        }
    }

    /** Sends the times that moved since the last broadcast, one record per key group. */
    public void flush(Consumer<InputRecord> out) {
        Map<String, Long> moved = new HashMap<>();
        newest.forEach((host, t) -> {
            Long before = sent.get(host);
            if (before == null || before < t[0]) {
                moved.put(host, t[0]);
            }
        });
        if (moved.isEmpty()) {
            return;
        }
        sent.putAll(moved);
        for (long key : keyPerKeyGroup) {
            out.accept(InputRecord.hostTimes(moved, key));
        }
    }

    static long[] keysForEachKeyGroup(int maxParallelism) {
        long[] keys = new long[maxParallelism];
        boolean[] found = new boolean[maxParallelism];
        int left = maxParallelism;
        for (long k = 0; left > 0; k++) {
            int group = KeyGroupRangeAssignment.assignToKeyGroup(k, maxParallelism);
            if (!found[group]) {
                found[group] = true;
                keys[group] = k;
                left--;
            }
        }
        return keys;
    }
}
