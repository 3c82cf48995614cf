package dev.nfct.core.proto;

import dev.nfct.core.L4Kind;
import dev.nfct.core.Packet;
import dev.nfct.core.ProtocolTracker;
import dev.nfct.core.Tuple;

/**
 * The tuple part shared by protocols keyed by ports (TCP, UDP, UDPLite, SCTP): the first four bytes
 * of the L4 header are the two ports, and inversion swaps them with the addresses.
 */
abstract class PortProtocolTracker implements ProtocolTracker {
    @Override
    public L4Kind l4Kind() {
        return L4Kind.PORTS;
    }

    @Override
    public final long l4Words(Packet p) {
        if (p.l4Length < 4) {
            return -1; // not even the ports are there
        }
        return ((p.srcPort & 0xffff) << 16 | (p.dstPort & 0xffff)) & 0xffffffffL;
    }

    @Override
    public final Tuple invert(Tuple orig) {
        return orig.swapped();
    }
}
