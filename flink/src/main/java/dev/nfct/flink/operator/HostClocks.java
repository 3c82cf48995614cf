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

    /**
     * One host's clock and armed keys. The operator looks a host up once per packet and works on
     * this handle.
     */
    final class Host {
        private long clockNs = Long.MIN_VALUE;
        private final TreeSet<Due> armed = new TreeSet<>();

        /** The clock (ns), or {@code Long.MIN_VALUE} before the host's first packet here. */
        long clock() {
            return clockNs;
        }

        /** Moves the clock forward to {@code timeNs}; false when it was already there or past. */
        boolean advance(long timeNs) {
            if (timeNs <= clockNs) {
                return false;
            }
            clockNs = timeNs;
            return true;
        }

        /** Arms {@code key} at {@code deadlineMs}, replacing its arming at {@code previousMs} (null for none). */
        void arm(long key, Long previousMs, long deadlineMs) {
            if (previousMs != null && armed.remove(new Due(previousMs, key))) {
                armedCount--;
            }
            if (armed.add(new Due(deadlineMs, key))) {
                armedCount++;
            }
        }

        /** Disarms {@code key}, armed at {@code deadlineMs}. */
        void disarm(long key, long deadlineMs) {
            if (armed.remove(new Due(deadlineMs, key))) {
                armedCount--;
            }
        }

        /** Whether the clock has reached some armed key's deadline. */
        boolean hasDue() {
            return !armed.isEmpty() && armed.first().deadlineMs <= Math.floorDiv(clockNs, 1_000_000L);
        }

        /** Removes and returns the earliest armed key whose deadline the clock has reached, or null. */
        Due pollDue() {
            if (!hasDue()) {
                return null;
            }
            armedCount--;
            return armed.pollFirst();
        }
    }

    private final Map<String, Host> hosts = new HashMap<>();
    private int armedCount;

    /** The host's clock and armed keys, made on first use. */
    Host host(String name) {
        return hosts.computeIfAbsent(name, k -> new Host());
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
