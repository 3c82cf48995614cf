package dev.nfct.flink.state;

import dev.nfct.core.Conn;
import dev.nfct.core.CtInfo;
import dev.nfct.core.Tuple;

/**
 * What the entry hook attached to a packet that has not reached its exit hook yet. Either a new,
 * unconfirmed entry that exists only here (it rides with the packet, as in the kernel), or the
 * ORIGINAL tuple of a confirmed entry whose cached events the exit hook will deliver.
 */
public final class PendingEntry {
    public final CtInfo ctinfo;
    /** The unconfirmed entry, or null when the packet belongs to a confirmed one. */
    public final Conn unconfirmed;
    /** ORIGINAL tuple of the confirmed entry, or null for an unconfirmed one. */
    public final Tuple confirmedOrig;
    /** Event time after which the packet is taken as lost: the entry is discarded without events. */
    public final long deadline;

    public PendingEntry(CtInfo ctinfo, Conn unconfirmed, Tuple confirmedOrig, long deadline) {
        this.ctinfo = ctinfo;
        this.unconfirmed = unconfirmed;
        this.confirmedOrig = confirmedOrig;
        this.deadline = deadline;
    }
}
