package dev.nfct.core;

/**
 * One connection entry (the kernel's {@code nf_conn}).
 *
 * <p>While unconfirmed the entry belongs to the packet that created it alone and {@link #timeout}
 * is a relative duration; once confirmed it is in the table and {@link #timeout} is the absolute
 * event-time deadline. All times are nanoseconds of event time (the packets' own clock).
 *
 * <p>Extensions (counters, timestamps, the event cache) are decided at creation and never added
 * later, as in the kernel: {@link #acct} is null and {@link #hasTimestamp}/{@link #hasEcache} are
 * false when the corresponding setting was off at that moment.
 */
public final class Conn {
    public final Tuple orig;
    public final Tuple reply;
    /** {@link Status} bits. */
    public int status;
    /** Relative timeout while unconfirmed, absolute deadline (ns) once confirmed. */
    public long timeout;
    /** Stable, opaque 32-bit id ({@code conntrack -o id}); deterministic for a given run. */
    public final int id;
    public final int mark;
    /** Tracker-private state (TCP, SCTP); null for protocols without one. */
    public ProtoState proto;
    /** UDP: the moment after which a packet on a replied flow makes it a stream (first packet + 2 s). */
    public long streamTs;

    /** Per-direction counters {origPackets, origBytes, replyPackets, replyBytes}; null without acct. */
    public final long[] acct;
    public final boolean hasTimestamp;
    /** Confirmation time and deletion time (ns), when {@link #hasTimestamp}. */
    public long start, stop;
    public final boolean hasEcache;
    /** Event bits waiting for delivery at the next confirm-hook pass. */
    public int ecache;

    // Bookkeeping of the table that holds the entry (expiry queue, early-drop list).
    long queuedDeadline = Long.MAX_VALUE;
    Conn unassuredPrev, unassuredNext;
    boolean onUnassuredList;

    public Conn(Tuple orig, Tuple reply, int id, boolean acct, boolean timestamp, boolean ecache) {
        if (orig.conn != null || reply.conn != null) {
            throw new IllegalArgumentException("a tuple can belong to one entry only");
        }
        this.orig = orig;
        this.reply = reply;
        orig.conn = this;
        reply.conn = this;
        reply.dir = 1;
        this.id = id;
        this.mark = 0;
        this.acct = acct ? new long[4] : null;
        this.hasTimestamp = timestamp;
        this.hasEcache = ecache;
    }

    public boolean is(int statusBit) {
        return (status & statusBit) != 0;
    }

    public boolean confirmed() {
        return (status & Status.CONFIRMED) != 0;
    }

    public Tuple tuple(int dir) {
        return dir == 0 ? orig : reply;
    }

    public int protocol() {
        return orig.protocol;
    }

    /** Whether the entry is expired at {@code now} (a confirmed entry whose deadline has come). */
    public boolean expiredAt(long now) {
        return confirmed() && timeout <= now;
    }

    /** Remaining whole seconds as the tool prints them, never negative. */
    public long remainingSeconds(long now) {
        if (!confirmed()) {
            return Math.max(0, timeout / 1_000_000_000L);
        }
        long r = timeout - now;
        return r <= 0 ? 0 : r / 1_000_000_000L;
    }

    @Override
    public String toString() {
        return "Conn[" + orig + " / " + reply + " status=0x" + Integer.toHexString(status)
                + (proto != null ? " " + proto.stateName() : "") + " id=" + Integer.toUnsignedString(id) + "]";
    }
}
