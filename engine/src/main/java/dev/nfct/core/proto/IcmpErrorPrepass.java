package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.CtInfo;
import dev.nfct.core.Packet;
import dev.nfct.core.PacketCt;
import dev.nfct.core.ProtocolTracker;
import dev.nfct.core.Settings;
import dev.nfct.core.TrackerContext;
import dev.nfct.core.Tuple;

/**
 * What happens to ICMP and ICMPv6 before normal tracking: errors are tied to the connection they
 * quote (RELATED), neighbour discovery and MLD are left untracked, and malformed messages are
 * rejected. The quoted connection's tracker is not called: an error changes nothing in the entry.
 */
final class IcmpErrorPrepass {
    private final Settings s;
    private final Trackers trackers;

    IcmpErrorPrepass(Settings s, Trackers trackers) {
        this.s = s;
        this.trackers = trackers;
    }

    int check(TrackerContext ctx, Packet p, int zone, long now, PacketCt r) {
        if (p.l4Length < 8 || (s.checksum == 1 && !p.l4ChecksumOk)) {
            return ProtocolTracker.REJECTED;
        }
        return p.family == Packet.AF_INET6 ? checkV6(ctx, p, zone, now, r) : checkV4(ctx, p, zone, now, r);
    }

    private int checkV4(TrackerContext ctx, Packet p, int zone, long now, PacketCt r) {
        int type = p.icmpType;
        if (type > 18) {
            return ProtocolTracker.REJECTED;
        }
        return IcmpTypes.isError(false, type) ? related(ctx, p, zone, now, r) : ProtocolTracker.NOT_AN_ERROR;
    }

    private int checkV6(TrackerContext ctx, Packet p, int zone, long now, PacketCt r) {
        int type = p.icmpType;
        if (isNeighbourDiscoveryOrMld(type)) {
            r.ctinfo = CtInfo.UNTRACKED;
            return ProtocolTracker.HANDLED;
        }
        if (type == IcmpTypes.ICMPV6_REDIRECT && p.icmpCode == 0) {
            // A redirect is believed only from a neighbour on the link (hop limit 255, fe80::/10).
            boolean linkLocal = (p.srcHi >>> 54) == (0xfe80L >>> 6);
            if (p.hopLimit != 255 || !linkLocal) {
                return ProtocolTracker.REJECTED;
            }
            return p.inner != null ? related(ctx, p, zone, now, r) : ProtocolTracker.NOT_AN_ERROR;
        }
        return IcmpTypes.isError(true, type) ? related(ctx, p, zone, now, r) : ProtocolTracker.NOT_AN_ERROR;
    }

    private static boolean isNeighbourDiscoveryOrMld(int type) {
        return (type >= 130 && type <= 136) || type == 143 || type == 151 || type == 152;
    }

    /** Finds the entry the quoted packet belongs to and attaches it. */
    private int related(TrackerContext ctx, Packet p, int zone, long now, PacketCt r) {
        Packet inner = p.inner;
        if (inner == null || inner.noTransportHeader() || inner.family != p.family) {
            return ProtocolTracker.REJECTED;
        }
        ProtocolTracker tracker = trackers.get(inner.protocol);
        Tuple quoted = tracker.tuple(inner, zone);
        if (quoted == null) {
            return ProtocolTracker.REJECTED;
        }
        // The quoted packet travelled the other way: its inversion is what this error belongs to.
        Tuple wanted = tracker.invert(quoted);
        if (wanted == null) {
            return ProtocolTracker.REJECTED;
        }
        Conn ct = ctx.lookup(wanted, now);
        if (ct == null) {
            return ProtocolTracker.REJECTED;
        }
        int dir = ct.directionOf(wanted);
        // Errors aimed at a third party are not believed.
        if (wanted.dstHi != p.dstHi || wanted.dstLo != p.dstLo) {
            return ProtocolTracker.REJECTED;
        }
        r.ct = ct;
        r.ctinfo = dir == 0 ? CtInfo.RELATED : CtInfo.RELATED_REPLY;
        return ProtocolTracker.HANDLED;
    }
}
