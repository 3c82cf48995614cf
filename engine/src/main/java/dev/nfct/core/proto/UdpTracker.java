package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.CtInfo;
import dev.nfct.core.EntryType;
import dev.nfct.core.Packet;
import dev.nfct.core.Settings;
import dev.nfct.core.Status;
import dev.nfct.core.TrackerContext;
import dev.nfct.core.Verdict;

/**
 * UDP and UDPLite. A UDP flow that has seen a reply becomes a "stream" (longer timeout, ASSURED)
 * only with a packet more than two seconds after its first one, so a single query and answer
 * never gets ASSURED. UDPLite has no such delay.
 */
final class UdpTracker extends PortProtocolTracker {
    private static final long STREAM_DELAY_NANOS = 2_000_000_000L;
    private final Settings s;
    private final boolean lite;

    UdpTracker(Settings s, boolean lite) {
        this.s = s;
        this.lite = lite;
    }

    @Override
    public EntryType entryType() {
        return UdpConn.TYPE;
    }

    @Override
    public boolean newConn(Conn ct, Packet p, TrackerContext ctx, long now) {
        ((UdpConn) ct).streamTs = now + STREAM_DELAY_NANOS;
        return true;
    }

    @Override
    public Verdict packet(Conn ct, Packet p, int dir, CtInfo ctinfo, TrackerContext ctx, long now) {
        if (!valid(p)) {
            return Verdict.INVALID;
        }
        if (ct.is(Status.SEEN_REPLY) && (lite || now > ((UdpConn) ct).streamTs)) {
            ctx.refresh(ct, dir, p.l3Length, s.udpTimeoutStream, now);
            if (!ct.is(Status.NAT_CLASH)) {
                ctx.assure(ct);
            }
        } else {
            ctx.refresh(ct, dir, p.l3Length, s.udpTimeout, now);
        }
        return Verdict.ACCEPT;
    }

    private boolean valid(Packet p) {
        if (p.l4Length < 8) {
            return false;
        }
        if (lite) {
            int coverage = p.udpLengthField;
            if (coverage != 0 && (coverage < 8 || coverage > p.l4Length)) {
                return false;
            }
            if (p.udpChecksumField == 0) {
                return false; // the checksum is mandatory for UDPLite
            }
        } else if (p.udpLengthField > p.l4Length || p.udpLengthField < 8) {
            return false;
        }
        // A zero UDP checksum means "none" and is fine; a wrong one only counts when checked.
        boolean checksummed = lite || p.udpChecksumField != 0;
        return !(s.checksum == 1 && checksummed && !p.l4ChecksumOk);
    }

    @Override
    public boolean allowsClash() {
        return true;
    }
}
