package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.Conntrack;
import dev.nfct.core.CtInfo;
import dev.nfct.core.Packet;
import dev.nfct.core.ProtocolTracker;
import dev.nfct.core.Settings;
import dev.nfct.core.Tuple;
import dev.nfct.core.Verdict;

/** PLACEHOLDER, being replaced by the real tracker. */
final class TcpTracker implements ProtocolTracker {
    private final Settings s;

    TcpTracker(Settings s) {
        this.s = s;
    }

    @Override
    public Tuple tuple(Packet p, int zone) {
        if (p.l4Length < 4) {
            return null;
        }
        return new Tuple(p.family, p.protocol, p.srcHi, p.srcLo, p.dstHi, p.dstLo, p.srcPort, p.dstPort, zone);
    }

    @Override
    public Tuple invert(Tuple orig) {
        return orig.swapped();
    }

    @Override
    public boolean newConn(Conn ct, Packet p, Conntrack engine, long now) {
        return true;
    }

    @Override
    public Verdict packet(Conn ct, Packet p, int dir, CtInfo ctinfo, Conntrack engine, long now) {
        engine.refresh(ct, dir, p.l3Length, s.genericTimeout, now);
        return Verdict.ACCEPT;
    }
}
