package dev.nfct.core;

import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The in-memory connection table: an open-addressing index of the entries under both of their
 * tuples' hashes (see {@link ConnIndex}), a lazily maintained deadline
 * queue for expiry, and a list of not-yet-ASSURED entries for early drop.
 *
 * <p>Expiry: the queue holds at most one live node per entry. Refreshes that push a deadline
 * later do not touch the queue (the hot path stays O(1)); when a node comes due and its entry
 * has a later deadline by then, it is simply re-queued. A deadline that moves earlier queues a
 * second node, and the older node is recognised as stale when it surfaces.
 *
 * <p>Early drop: the kernel kills the non-assured entries of the first non-empty hash bucket
 * near the new tuple, which is random from the outside. This table sacrifices the oldest
 * confirmed non-assured entry instead: the same class of victim, chosen deterministically.
 */
public final class HashConnTable implements ConnTable {
    private final ConnIndex index;
    private final PriorityQueue<Node> deadlines = new PriorityQueue<>();
    /** Oldest first; linked through the entries themselves. */
    private Conn unassuredHead, unassuredTail;

    private static final class Node implements Comparable<Node> {
        final long deadline;
        final Conn ct;

        Node(long deadline, Conn ct) {
            this.deadline = deadline;
            this.ct = ct;
        }

        @Override
        public int compareTo(Node o) {
            return Long.compare(deadline, o.deadline);
        }
    }

    public HashConnTable() {
        this(1024);
    }

    public HashConnTable(int expectedEntries) {
        index = new ConnIndex(2 * Math.max(8, expectedEntries));
    }

    @Override
    public Conn find(Tuple t) {
        return index.find(t);
    }

    @Override
    public Conn find(
            int family, int protocol, long srcHi, long srcLo, long dstHi, long dstLo, int srcU, int dstU, int zone) {
        srcU &= 0xffff;
        dstU &= 0xffff;
        zone &= 0xffff;
        int hash = Tuple.mix(family, protocol, srcHi, srcLo, dstHi, dstLo, srcU, dstU, zone);
        return index.find(hash, family, protocol, srcHi, srcLo, dstHi, dstLo, srcU << 16 | dstU, zone);
    }

    @Override
    public void insert(Conn ct) {
        index.add(ct, 0);
        index.add(ct, 1);
        if (!ct.is(Status.ASSURED)) {
            linkUnassured(ct);
        }
        ct.queuedDeadline = Long.MAX_VALUE;
        deadlineChanged(ct);
    }

    @Override
    public void remove(Conn ct) {
        if (!index.remove(ct, 0) | !index.remove(ct, 1)) {
            throw new IllegalStateException("removing an entry that is not in the table: " + ct);
        }
        unlinkUnassured(ct);
        // Its queue node (if any) is recognised as dead when it surfaces.
        ct.queuedDeadline = Long.MAX_VALUE;
    }

    @Override
    public int size() {
        return index.size() >>> 1; // every entry is filed twice
    }

    @Override
    public void forEach(Consumer<Conn> visitor) {
        index.forEach(visitor);
    }

    @Override
    public void deadlineChanged(Conn ct) {
        if (ct.timeout < ct.queuedDeadline) {
            ct.queuedDeadline = ct.timeout;
            deadlines.add(new Node(ct.timeout, ct));
        }
    }

    @Override
    public Conn pollExpired(long now) {
        while (true) {
            Node n = deadlines.peek();
            if (n == null || n.deadline > now) {
                return null;
            }
            deadlines.poll();
            Conn ct = n.ct;
            if (ct.is(Status.DYING) || n.deadline != ct.queuedDeadline) {
                continue; // stale node: the entry is gone or has a node with another deadline
            }
            if (ct.timeout > now) {
                ct.queuedDeadline = ct.timeout; // refreshed since it was queued
                deadlines.add(new Node(ct.timeout, ct));
                continue;
            }
            ct.queuedDeadline = Long.MAX_VALUE;
            return ct;
        }
    }

    @Override
    public void assured(Conn ct) {
        unlinkUnassured(ct);
    }

    @Override
    public Conn earlyDropCandidate() {
        return unassuredHead;
    }

    private void linkUnassured(Conn ct) {
        if (ct.onUnassuredList) {
            return;
        }
        ct.onUnassuredList = true;
        ct.unassuredPrev = unassuredTail;
        ct.unassuredNext = null;
        if (unassuredTail != null) {
            unassuredTail.unassuredNext = ct;
        } else {
            unassuredHead = ct;
        }
        unassuredTail = ct;
    }

    private void unlinkUnassured(Conn ct) {
        if (!ct.onUnassuredList) {
            return;
        }
        ct.onUnassuredList = false;
        if (ct.unassuredPrev != null) {
            ct.unassuredPrev.unassuredNext = ct.unassuredNext;
        } else {
            unassuredHead = ct.unassuredNext;
        }
        if (ct.unassuredNext != null) {
            ct.unassuredNext.unassuredPrev = ct.unassuredPrev;
        } else {
            unassuredTail = ct.unassuredPrev;
        }
        ct.unassuredPrev = ct.unassuredNext = null;
    }
}
