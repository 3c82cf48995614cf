package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.CtInfo;
import dev.nfct.core.L4Kind;
import dev.nfct.core.Packet;
import dev.nfct.core.ProtocolTracker;
import dev.nfct.core.Settings;
import dev.nfct.core.TrackerContext;
import dev.nfct.core.Tuple;
import dev.nfct.core.Verdict;

/**
 * Every protocol conntrack has no tracker for: one entry per address pair and protocol, every
 * packet valid, never ASSURED.
 */
final class GenericTracker implements ProtocolTracker {
    private final Settings s;
    /** What its tuples are said to hold: nothing, but DCCP's are printed with (zero) ports. */
    private final L4Kind l4Kind;

    GenericTracker(Settings s) {
        this(s, L4Kind.NONE);
    }

    GenericTracker(Settings s, L4Kind l4Kind) {
        this.s = s;
        this.l4Kind = l4Kind;
    }

    @Override
    public L4Kind l4Kind() {
        return l4Kind;
    }

    @Override
    public long l4Words(Packet p) {
        return 0;
    }

    @Override
    public Tuple invert(Tuple orig) {
        return orig.swapped();
    }

    @Override
    public boolean newConn(Conn ct, Packet p, TrackerContext ctx, long now) {
        return true;
    }

    @Override
    public Verdict packet(Conn ct, Packet p, int dir, CtInfo ctinfo, TrackerContext ctx, long now) {
        ctx.refresh(ct, dir, p.l3Length, s.genericTimeout, now);
        return Verdict.ACCEPT;
    }

    @Override
    public boolean allowsClash() {
        return true;
    }
}
