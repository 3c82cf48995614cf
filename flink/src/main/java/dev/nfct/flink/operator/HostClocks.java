package dev.nfct.flink.operator;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Each host's own clock, and the keys of this subtask waiting for it: one subtask's view of time.
 *
 * <p>A fleet's clocks are never aligned, so no host's packets may be judged by another host's
 * clock. A host's clock is the newest packet time of that host this subtask has seen, less the
 * out-of-orderness bound; it only moves forward. Every key that holds entries or pending packets
 * is armed here once, under its host, at its earliest deadline (in whole milliseconds, as the
 * key's timer state stores it); when the host's clock reaches that deadline the key is due.
 *
 * <p>Nothing here is checkpointed: the armed deadlines are rebuilt from keyed state on restore,
 * and the clocks start again from the packets that follow (which are the ones after the
 * checkpoint, so no clock can go back past what the restored state has seen).
 */
final class HostClocks {
    /** A key armed at a deadline (ms). Ordered by deadline, then key. */
    record Due(long deadlineMs, long key) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = Long.compare(deadlineMs, o.deadlineMs);
            return c != 0 ? c : Long.compare(key, o.key);
        }
    }

    private static final class Host {
        long clockNs = Long.MIN_VALUE;
        final TreeSet<Due> armed = new TreeSet<>();
    }

    private final Map<String, Host> hosts = new HashMap<>();
    private int armedCount;

    /** The host's clock (ns), or {@code Long.MIN_VALUE} before its first packet here. */
    long clock(String host) {
        Host h = hosts.get(host);
        return h == null ? Long.MIN_VALUE : h.clockNs;
    }

    /** Moves the host's clock forward to {@code timeNs}; false when it was already there or past. */
    boolean advance(String host, long timeNs) {
        Host h = hosts.computeIfAbsent(host, k -> new Host());
        if (timeNs <= h.clockNs) {
            return false;
        }
        h.clockNs = timeNs;
        return true;
    }

    /** Arms {@code key} at {@code deadlineMs}, replacing its arming at {@code previousMs} (null for none). */
    void arm(String host, long key, Long previousMs, long deadlineMs) {
        Host h = hosts.computeIfAbsent(host, k -> new Host());
        if (previousMs != null && h.armed.remove(new Due(previousMs, key))) {
            armedCount--;
        }
        if (h.armed.add(new Due(deadlineMs, key))) {
            armedCount++;
        }
    }

    /** Disarms {@code key}, armed at {@code deadlineMs}. */
    void disarm(String host, long key, long deadlineMs) {
        Host h = hosts.get(host);
        if (h != null && h.armed.remove(new Due(deadlineMs, key))) {
            armedCount--;
        }
    }

    /** Removes and returns the host's earliest armed key whose deadline its clock has reached, or null. */
    Due pollDue(String host) {
        Host h = hosts.get(host);
        if (h == null || h.armed.isEmpty()) {
            return null;
        }
        Due first = h.armed.first();
        if (first.deadlineMs > Math.floorDiv(h.clockNs, 1_000_000L)) {
            return null;
        }
        h.armed.pollFirst();
        armedCount--;
        return first;
    }

    /** Keys armed on this subtask, all hosts together. */
    int armed() {
        return armedCount;
    }

    /** Hosts this subtask has seen. */
    int hosts() {
        return hosts.size();
    }
}
