package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.CtInfo;
import dev.nfct.core.L4Kind;
import dev.nfct.core.Packet;
import dev.nfct.core.PacketCt;
import dev.nfct.core.ProtocolTracker;
import dev.nfct.core.Settings;
import dev.nfct.core.TrackerContext;
import dev.nfct.core.Tuple;
import dev.nfct.core.Verdict;

/**
 * ICMP and ICMPv6 queries (echo, timestamp, information, address mask, node information). Only a
 * request may create an entry; the entry is never ASSURED and is not removed by the answer, so
 * duplicates keep matching. Errors never get here: {@link IcmpErrorPrepass} handles them first.
 */
final class IcmpTracker implements ProtocolTracker {
    private final Settings s;
    private final boolean v6;
    /** Set by the trackers' set, which owns the pre-pass (it needs every tracker). */
    IcmpErrorPrepass errors;

    IcmpTracker(Settings s, boolean v6) {
        this.s = s;
        this.v6 = v6;
    }

    @Override
    public L4Kind l4Kind() {
        return L4Kind.ICMP;
    }

    @Override
    public long l4Words(Packet p) {
        // ICMP over IPv6 or ICMPv6 over IPv4 is nonsense: no tuple, so the packet is invalid.
        if (p.l4Length < 8 || (p.family == Packet.AF_INET6) != v6) {
            return -1;
        }
        return ((p.icmpId & 0xffff) << 16 | (p.icmpType & 0xff) << 8 | (p.icmpCode & 0xff)) & 0xffffffffL;
    }

    @Override
    public Tuple invert(Tuple orig) {
        int replyType = replyType(orig.icmpType(), v6);
        if (replyType < 0) {
            return null;
        }
        return orig.invert(orig.srcU, replyType << 8 | orig.icmpCode());
    }

    /** The type a request or reply inverts to, or -1 for types outside the request/reply pairs. */
    static int replyType(int type, boolean v6) {
        if (v6) {
            switch (type) {
                case 128:
                    return 129;
                case 129:
                    return 128;
                case 139:
                    return 140;
                case 140:
                    return 139;
                default:
                    return -1;
            }
        }
        switch (type) {
            case 8:
                return 0;
            case 0:
                return 8;
            case 13:
                return 14;
            case 14:
                return 13;
            case 15:
                return 16;
            case 16:
                return 15;
            case 17:
                return 18;
            case 18:
                return 17;
            default:
                return -1;
        }
    }

    /** Errors are handled before normal tracking, by the error pre-pass of the trackers' set. */
    @Override
    public boolean inspectsErrors() {
        return true;
    }

    @Override
    public int error(Packet p, int zone, long now, PacketCt r, TrackerContext ctx) {
        // Only ICMP over IPv4 and ICMPv6 over IPv6 carry errors conntrack looks into.
        if (p.family != (v6 ? Packet.AF_INET6 : Packet.AF_INET)) {
            return NOT_AN_ERROR;
        }
        return errors.check(ctx, p, zone, now, r);
    }

    /** Only requests may start an entry: a stray reply is invalid. */
    @Override
    public boolean newConn(Conn ct, Packet p, TrackerContext ctx, long now) {
        int type = ct.orig.icmpType();
        return v6 ? type == 128 || type == 139 : type == 8 || type == 13 || type == 15 || type == 17;
    }

    @Override
    public Verdict packet(Conn ct, Packet p, int dir, CtInfo ctinfo, TrackerContext ctx, long now) {
        ctx.refresh(ct, dir, p.l3Length, v6 ? s.icmpv6Timeout : s.icmpTimeout, now);
        return Verdict.ACCEPT;
    }
}
