package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.CtInfo;
import dev.nfct.core.EntryType;
import dev.nfct.core.L4Kind;
import dev.nfct.core.Packet;
import dev.nfct.core.ProtocolTracker;
import dev.nfct.core.Settings;
import dev.nfct.core.Status;
import dev.nfct.core.TrackerContext;
import dev.nfct.core.Tuple;
import dev.nfct.core.Verdict;

/**
 * GRE. Plain GRE (version 0) has no keys in its tuple and behaves like the generic tracker with
 * GRE timeouts; PPTP's enhanced GRE (version 1 carrying PPP) is keyed by call id. Without a PPTP
 * helper the source key is 0, as in the kernel when no helper mapped it.
 */
final class GreTracker implements ProtocolTracker {
    private static final int GRE_PROTO_PPP = 0x880B;
    private final Settings s;

    GreTracker(Settings s) {
        this.s = s;
    }

    @Override
    public L4Kind l4Kind() {
        return L4Kind.GRE;
    }

    @Override
    public long l4Words(Packet p) {
        int dstKey = 0;
        if (p.l4Length >= 8 && p.greVersion == 1) {
            if (p.greProtocol != GRE_PROTO_PPP) {
                return -1;
            }
            dstKey = p.greCallId & 0xffff;
        }
        return dstKey;
    }

    @Override
    public Tuple invert(Tuple orig) {
        return orig.swapped();
    }

    @Override
    public EntryType entryType() {
        return GreConn.TYPE;
    }

    @Override
    public boolean newConn(Conn ct, Packet p, TrackerContext ctx, long now) {
        ((GreConn) ct).setTimeouts(s.greTimeout, s.greTimeoutStream);
        return true;
    }

    @Override
    public Verdict packet(Conn ct, Packet p, int dir, CtInfo ctinfo, TrackerContext ctx, long now) {
        GreConn g = (GreConn) ct;
        if (ct.is(Status.SEEN_REPLY)) {
            ctx.refresh(ct, dir, p.l3Length, g.hasTimeouts ? g.greStreamTimeout : s.greTimeoutStream, now);
            if (!ct.is(Status.NAT_CLASH)) {
                ctx.assure(ct);
            }
        } else {
            ctx.refresh(ct, dir, p.l3Length, g.hasTimeouts ? g.greTimeout : s.greTimeout, now);
        }
        return Verdict.ACCEPT;
    }

    @Override
    public boolean allowsClash() {
        return true;
    }
}
