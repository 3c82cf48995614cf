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
 *
 * <p>Not final: a tracker whose entries carry data of their own makes them a subclass that holds
 * it inline (TCP, UDP, SCTP, GRE); its {@link EntryType} says which ({@link ProtocolTracker#entryType()}).
 */
public class Conn {
    public final Tuple orig;
    public final Tuple reply;
    /** {@link Status} bits. */
    public int status;
    /** Relative timeout while unconfirmed, absolute deadline (ns) once confirmed. */
    public long timeout;
    /** Stable, opaque 32-bit id ({@code conntrack -o id}); deterministic for a given run. */
    public final int id;

    public final int mark;

    /** Per-direction counters {origPackets, origBytes, replyPackets, replyBytes}; null without acct. */
    public final long[] acct;

    public final boolean hasTimestamp;
    /** Confirmation time and deletion time (ns), when {@link #hasTimestamp}. */
    public long start, stop;

    public final boolean hasEcache;
    /** Event bits waiting for delivery at the next confirm-hook pass. */
    public int ecache;

    // The lookup key, inline: the ORIGINAL tuple's fields, both tuples' L4 words and both hashes.
    // An index of entries compares a packet against these, so matching a packet and learning its
    // direction needs only the entry's own cache lines, never the two Tuple objects.
    final long keySrcHi, keySrcLo, keyDstHi, keyDstLo;
    final int keyFamily, keyProtocol, keyZone;
    /** {@code srcU << 16 | dstU} of the ORIGINAL and of the REPLY tuple. */
    final int origL4, replyL4;

    final int origHash, replyHash;
    /** The REPLY tuple is the ORIGINAL one with addresses swapped (always so for tracker-made entries). */
    final boolean replyMirrors;

    // Bookkeeping of the table that holds the entry (expiry queue, early-drop list).
    long queuedDeadline = Long.MAX_VALUE;
    Conn unassuredPrev, unassuredNext;
    boolean onUnassuredList;

    public Conn(Tuple orig, Tuple reply, int id, boolean acct, boolean timestamp, boolean ecache) {
        this(orig, reply, id, 0, acct, timestamp, ecache);
    }

    public Conn(Tuple orig, Tuple reply, int id, int mark, boolean acct, boolean timestamp, boolean ecache) {
        this.orig = orig;
        this.reply = reply;
        this.keySrcHi = orig.srcHi;
        this.keySrcLo = orig.srcLo;
        this.keyDstHi = orig.dstHi;
        this.keyDstLo = orig.dstLo;
        this.keyFamily = orig.family;
        this.keyProtocol = orig.protocol;
        this.keyZone = orig.zone;
        this.origL4 = orig.srcU << 16 | orig.dstU;
        this.replyL4 = reply.srcU << 16 | reply.dstU;
        this.origHash = orig.hashCode();
        this.replyHash = reply.hashCode();
        this.replyMirrors = reply.family == orig.family
                && reply.protocol == orig.protocol
                && reply.zone == orig.zone
                && reply.srcHi == orig.dstHi
                && reply.srcLo == orig.dstLo
                && reply.dstHi == orig.srcHi
                && reply.dstLo == orig.srcLo;
        this.id = id;
        this.mark = mark;
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
        return keyProtocol;
    }

    /**
     * Which of this entry's tuples has these fields (as {@link Tuple}'s constructor takes them, L4
     * words packed as {@code srcU << 16 | dstU}): 0 for ORIGINAL, 1 for REPLY (REPLY wins when
     * both are equal, as in the kernel, whose lookup meets the reply tuple first), -1 for neither.
     * Reads only the entry itself.
     */
    int dirOf(int family, int protocol, long srcHi, long srcLo, long dstHi, long dstLo, int l4, int zone) {
        if (l4 == origL4
                && srcLo == keySrcLo
                && dstLo == keyDstLo
                && srcHi == keySrcHi
                && dstHi == keyDstHi
                && protocol == keyProtocol
                && family == keyFamily
                && zone == keyZone) {
            return selfConnected() ? 1 : 0;
        }
        if (replyMirrors) {
            if (l4 == replyL4
                    && srcLo == keyDstLo
                    && dstLo == keySrcLo
                    && srcHi == keyDstHi
                    && dstHi == keySrcHi
                    && protocol == keyProtocol
                    && family == keyFamily
                    && zone == keyZone) {
                return 1;
            }
        } else if (l4 == replyL4
                && srcLo == reply.srcLo
                && dstLo == reply.dstLo
                && srcHi == reply.srcHi
                && dstHi == reply.dstHi
                && protocol == reply.protocol
                && family == reply.family
                && zone == reply.zone) {
            return 1;
        }
        return -1;
    }

    /**
     * 0 when {@code t} is this entry's ORIGINAL tuple, 1 when it is the REPLY one (REPLY wins when
     * both are equal), -1 when it is neither.
     */
    public int directionOf(Tuple t) {
        return dirOf(t.family, t.protocol, t.srcHi, t.srcLo, t.dstHi, t.dstLo, t.srcU << 16 | t.dstU, t.zone);
    }

    /**
     * Whether the ORIGINAL and REPLY tuples are the same (a socket talking to itself: one address
     * and port on both sides). Such an entry is found through its REPLY tuple.
     */
    private boolean selfConnected() {
        if (replyMirrors) {
            return keySrcLo == keyDstLo && keySrcHi == keyDstHi && origL4 == replyL4;
        }
        return orig.equals(reply);
    }

    /** The hash of this entry's tuple of direction {@code dir} ({@link Tuple#hashCode()}). */
    int hash(int dir) {
        return dir == 0 ? origHash : replyHash;
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
        return "Conn[" + orig + " / " + reply + " status=0x" + Integer.toHexString(status) + " id="
                + Integer.toUnsignedString(id) + "]";
    }
}
