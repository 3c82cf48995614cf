package dev.nfct.flink.state;

import dev.nfct.core.Conn;
import dev.nfct.core.CtInfo;
import dev.nfct.core.Tuple;

/**
 * What the entry hook attached to a packet that has not reached its exit hook yet. Either a new,
 * unconfirmed entry that exists only here (it rides with the packet, as in the kernel), or the
 * ORIGINAL tuple of a confirmed entry whose cached events the exit hook will deliver.
 *
 * <p>A packet the host sent itself ({@link #fromLocalOut}) keeps its entry after its confirm at
 * POST_ROUTING, as the kernel's packet does: if it comes back in over the loopback interface, it
 * reaches PRE_ROUTING still carrying the entry ({@link #sentOut}), and conntrack leaves it alone.
 */
public final class PendingEntry {
    public final CtInfo ctinfo;
    /** The packet entered at LOCAL_OUT (sent by the host itself). */
    public final boolean fromLocalOut;
    /** The packet passed its confirm at POST_ROUTING and may come back in over loopback. */
    public final boolean sentOut;
    /** The unconfirmed entry, or null when the packet belongs to a confirmed one. */
    public final Conn unconfirmed;
    /** ORIGINAL tuple of the confirmed entry, or null for an unconfirmed one. */
    public final Tuple confirmedOrig;
    /** Event time after which the packet is taken as lost: the entry is discarded without events. */
    public final long deadline;

    public PendingEntry(CtInfo ctinfo, Conn unconfirmed, Tuple confirmedOrig, long deadline) {
        this(ctinfo, false, false, unconfirmed, confirmedOrig, deadline);
    }

    public PendingEntry(
            CtInfo ctinfo,
            boolean fromLocalOut,
            boolean sentOut,
            Conn unconfirmed,
            Tuple confirmedOrig,
            long deadline) {
        this.ctinfo = ctinfo;
        this.fromLocalOut = fromLocalOut;
        this.sentOut = sentOut;
        this.unconfirmed = unconfirmed;
        this.confirmedOrig = confirmedOrig;
        this.deadline = deadline;
    }
}
