package dev.nfct.flink.operator;

import dev.nfct.core.Packet;
import dev.nfct.core.proto.IcmpTypes;
import dev.nfct.core.proto.Trackers;
import java.nio.charset.StandardCharsets;

/**
 * The key that brings every packet of a connection, in both directions, to the same keyed state:
 * host, zone and a canonical, direction-independent form of the tuple. An ICMP error is keyed by
 * the connection it quotes, so it meets the entry it may be RELATED to.
 *
 * <p>The key is a 64-bit hash. Two flows whose hashes collide share a key, which is harmless: the
 * state inside a key is a map by exact tuple. Keep all key derivation here, so that NAT (which
 * rewrites tuples between hooks) can later be taught in one place.
 */
public final class FlowKey {
    private FlowKey() {}

    public static long of(String host, int zone, Packet p) {
        long h = hostHash(host) ^ (long) zone * 0x9E3779B97F4A7C15L;
        Packet q = p;
        if (isIcmpError(p) && p.inner != null) {
            q = p.inner; // the connection the error is about
        }
        return mix(h ^ canonical(q));
    }

    private static boolean isIcmpError(Packet p) {
        if (p.protocol == Packet.IPPROTO_ICMP && p.family == Packet.AF_INET) {
            return IcmpTypes.quotesAPacket(false, p.icmpType);
        }
        if (p.protocol == Packet.IPPROTO_ICMPV6 && p.family == Packet.AF_INET6) {
            return IcmpTypes.quotesAPacket(true, p.icmpType);
        }
        return false;
    }

    /** Direction-independent: the two endpoints are ordered, so A->B and B->A hash alike. */
    private static long canonical(Packet p) {
        long a = endpoint(p.srcHi, p.srcLo, 0), b = endpoint(p.dstHi, p.dstLo, 0);
        int ua = 0, ub = 0;
        switch (Trackers.l4Kind(p.protocol)) {
            case PORTS -> {
                ua = p.srcPort;
                ub = p.dstPort;
            }
            case ICMP -> {
                // Request and reply differ in type but share the identifier: key by the id only.
                ua = p.icmpId;
                ub = p.icmpId;
            }
            case GRE, NONE -> {} // all traffic between the two hosts
        }
        long ea = endpoint(p.srcHi, p.srcLo, ua), eb = endpoint(p.dstHi, p.dstLo, ub);
        long lo = Math.min(ea, eb), hi = Math.max(ea, eb);
        return mix(lo) * 31 + mix(hi) + ((long) p.protocol << 32) + p.family + (a ^ b);
    }

    private static long endpoint(long hi, long lo, int port) {
        return mix(hi * 0xC2B2AE3D27D4EB4FL + lo) + port;
    }

    private static long hostHash(String host) {
        long h = 1125899906842597L;
        for (byte b : host.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + b;
        }
        return mix(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
