package dev.nfct.core.proto;

import dev.nfct.core.Conn;
import dev.nfct.core.Packet;
import dev.nfct.core.ProtocolTracker;
import dev.nfct.core.Settings;
import dev.nfct.core.Tuple;

/**
 * The protocol trackers by protocol number. Every protocol without a tracker of its own (ESP,
 * OSPF, and DCCP, whose tracker the 6.18 reference kernel no longer has) uses the generic one.
 */
public final class Trackers {
    private final ProtocolTracker[] byProtocol = new ProtocolTracker[256];
    private final IcmpErrorPrepass icmpErrors;

    public Trackers(Settings s) {
        ProtocolTracker generic = new GenericTracker(s);
        java.util.Arrays.fill(byProtocol, generic);
        byProtocol[Packet.IPPROTO_TCP] = new TcpTracker(s);
        byProtocol[Packet.IPPROTO_UDP] = new UdpTracker(s, false);
        byProtocol[Packet.IPPROTO_UDPLITE] = new UdpTracker(s, true);
        byProtocol[Packet.IPPROTO_ICMP] = new IcmpTracker(s, false);
        byProtocol[Packet.IPPROTO_ICMPV6] = new IcmpTracker(s, true);
        byProtocol[Packet.IPPROTO_GRE] = new GreTracker(s);
        byProtocol[Packet.IPPROTO_SCTP] = new SctpTracker(s);
        icmpErrors = new IcmpErrorPrepass(s, this);
    }

    /**
     * A new, empty entry of the class entries of this protocol have: a {@link TcpConn} for TCP, which
     * holds its tracking data inline so that an entry is one object, a plain {@link Conn} otherwise
     * (other trackers keep their data in {@link Conn#proto}). The one place that decides it, for
     * the engine and for entries read back from state.
     */
    public static Conn newEntry(
            Tuple orig, Tuple reply, int id, int mark, boolean acct, boolean timestamp, boolean ecache) {
        return orig.protocol == Packet.IPPROTO_TCP
                ? new TcpConn(orig, reply, id, mark, acct, timestamp, ecache)
                : new Conn(orig, reply, id, mark, acct, timestamp, ecache);
    }

    public ProtocolTracker get(int protocol) {
        return byProtocol[protocol & 0xff];
    }

    public IcmpErrorPrepass icmpErrors() {
        return icmpErrors;
    }
}
