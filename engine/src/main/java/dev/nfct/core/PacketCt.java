package dev.nfct.core;

/**
 * What the entry hook attached to a packet: the entry (possibly still unconfirmed) and the
 * packet's ctinfo. It travels with the packet to the confirm hook. Reusable between packets.
 */
public final class PacketCt {
    /** The attached entry, or null (invalid or untracked packet). */
    public Conn ct;

    public CtInfo ctinfo = CtInfo.INVALID;
    /** Conntrack itself dropped the packet (table full, reopen race, clash without merge). */
    public boolean dropped;
    /** Zone a template assigned before the entry hook (0 = default zone). */
    public int zone;

    public PacketCt reset() {
        ct = null;
        ctinfo = CtInfo.INVALID;
        dropped = false;
        zone = 0;
        return this;
    }

    /**
     * The packet's ct state as the kernel reports it: its ctinfo, or INVALID when no entry is
     * attached (and the packet is not untracked).
     */
    public CtInfo state() {
        return ct == null && ctinfo != CtInfo.UNTRACKED ? CtInfo.INVALID : ctinfo;
    }

    /** True when the packet carries an entry that is not yet in the table. */
    public boolean pending() {
        return ct != null && !ct.confirmed();
    }
}
