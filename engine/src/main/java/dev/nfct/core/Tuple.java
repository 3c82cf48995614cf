package dev.nfct.core;

/**
 * One direction of a connection: addresses, protocol, the two 16-bit L4 words and the zone.
 *
 * <p>For port protocols {@code srcU}/{@code dstU} are the ports; for ICMP and ICMPv6 {@code srcU} is
 * the identifier and {@code dstU} is {@code type << 8 | code}; for PPTP GRE they are the keys; for
 * every other protocol both are zero, so all traffic of that protocol between two hosts is one
 * connection. The direction is not part of a tuple: equality and hash ignore which side it is.
 *
 * <p>A value: immutable, and it knows nothing of the entries that hold it, so a tuple can be
 * shared by entries, events and copies ({@link Conn#directionOf} says which side of an entry it is).
 *
 * <p>The zone is part of the key here (the kernel compares it beside the tuple), so overlapping
 * address spaces in different zones never meet.
 */
public final class Tuple {
    public final int family;
    public final int protocol;
    public final long srcHi, srcLo, dstHi, dstLo;
    public final int srcU, dstU;
    public final int zone;
    private final int hash;

    public Tuple(
            int family, int protocol, long srcHi, long srcLo, long dstHi, long dstLo, int srcU, int dstU, int zone) {
        this.family = family;
        this.protocol = protocol;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        this.srcU = srcU & 0xffff;
        this.dstU = dstU & 0xffff;
        this.zone = zone & 0xffff;
        this.hash = mix(family, protocol, srcHi, srcLo, dstHi, dstLo, this.srcU, this.dstU, this.zone);
    }

    /** The tuple of a packet's addresses with these L4 words ({@code srcU << 16 | dstU}). */
    public static Tuple ofPacket(Packet p, int l4, int zone) {
        return new Tuple(p.family, p.protocol, p.srcHi, p.srcLo, p.dstHi, p.dstLo, l4 >>> 16, l4, zone);
    }

    /** The tuple seen from the other side: addresses swapped, L4 words as given by the tracker. */
    public Tuple invert(int newSrcU, int newDstU) {
        return new Tuple(family, protocol, dstHi, dstLo, srcHi, srcLo, newSrcU, newDstU, zone);
    }

    /** Inversion for protocols whose two L4 words simply swap (ports, GRE keys, generic zeros). */
    public Tuple swapped() {
        return invert(dstU, srcU);
    }

    public int icmpType() {
        return dstU >>> 8;
    }

    public int icmpCode() {
        return dstU & 0xff;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Tuple)) {
            return false;
        }
        Tuple t = (Tuple) o;
        return hash == t.hash
                && srcLo == t.srcLo
                && dstLo == t.dstLo
                && srcU == t.srcU
                && dstU == t.dstU
                && protocol == t.protocol
                && srcHi == t.srcHi
                && dstHi == t.dstHi
                && family == t.family
                && zone == t.zone;
    }

    @Override
    public String toString() {
        // A debugging form: how a protocol's tuple reads as conntrack prints it is its tracker's
        // business (format.TupleFormat).
        return "Tuple[family=" + family + " protocol=" + protocol + " src=" + Long.toHexString(srcHi) + ":"
                + Long.toHexString(srcLo) + " dst=" + Long.toHexString(dstHi) + ":" + Long.toHexString(dstLo)
                + " l4=" + srcU + "/" + dstU + (zone != 0 ? " zone=" + zone : "") + "]";
    }

    /**
     * The hash of the tuple with these fields; {@code srcU}, {@code dstU} and {@code zone} already
     * masked to 16 bits, as the constructor stores them. Lets a lookup hash a packet's fields
     * without building a tuple.
     */
    static int mix(
            int family, int protocol, long srcHi, long srcLo, long dstHi, long dstLo, int srcU, int dstU, int zone) {
        long h = srcLo * 0x9E3779B97F4A7C15L;
        h = (h ^ dstLo) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ srcHi) * 0x165667B19E3779F9L;
        h = (h ^ dstHi) * 0x9E3779B97F4A7C15L;
        h ^= ((long) srcU << 48) | ((long) dstU << 32) | ((long) protocol << 16) | ((long) family << 8) ^ zone;
        h = fmix(h);
        return (int) (h ^ (h >>> 32));
    }

    private static long fmix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
