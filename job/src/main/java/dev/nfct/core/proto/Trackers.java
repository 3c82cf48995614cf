package dev.nfct.core.proto;

import dev.nfct.core.Packet;
import dev.nfct.core.ProtocolTracker;
import dev.nfct.core.Settings;

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

    public ProtocolTracker get(int protocol) {
        return byProtocol[protocol & 0xff];
    }

    public IcmpErrorPrepass icmpErrors() {
        return icmpErrors;
    }
}
