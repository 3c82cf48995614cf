package dev.nfct.core.proto;

import dev.nfct.core.EntryTypes;
import dev.nfct.core.L4Kind;
import dev.nfct.core.Packet;
import dev.nfct.core.ProtocolTracker;
import dev.nfct.core.ProtocolTrackers;
import dev.nfct.core.Settings;

/**
 * The protocol trackers by protocol number. Every protocol without a tracker of its own (ESP,
 * OSPF, and DCCP, whose tracker the 6.18 reference kernel no longer has) uses the generic one.
 */
public final class Trackers implements ProtocolTrackers {
    private final ProtocolTracker[] byProtocol = new ProtocolTracker[256];

    /** The standard trackers, reading {@code s} (an engine takes the same settings). */
    public static Trackers standard(Settings s) {
        return new Trackers(s);
    }

    public Trackers(Settings s) {
        ProtocolTracker generic = new GenericTracker(s);
        java.util.Arrays.fill(byProtocol, generic);
        // DCCP has no tracker of its own any more, but conntrack still prints its tuples with ports
        // (zero: the generic tracker keeps none).
        byProtocol[Packet.IPPROTO_DCCP] = new GenericTracker(s, L4Kind.PORTS);
        byProtocol[Packet.IPPROTO_TCP] = new TcpTracker(s);
        byProtocol[Packet.IPPROTO_UDP] = new UdpTracker(s, false);
        byProtocol[Packet.IPPROTO_UDPLITE] = new UdpTracker(s, true);
        IcmpTracker icmp = new IcmpTracker(s, false), icmpv6 = new IcmpTracker(s, true);
        byProtocol[Packet.IPPROTO_ICMP] = icmp;
        byProtocol[Packet.IPPROTO_ICMPV6] = icmpv6;
        byProtocol[Packet.IPPROTO_GRE] = new GreTracker(s);
        byProtocol[Packet.IPPROTO_SCTP] = new SctpTracker(s);
        IcmpErrorPrepass errors = new IcmpErrorPrepass(s, this);
        icmp.errors = errors;
        icmpv6.errors = errors;
    }

    /**
     * The entry type of every protocol, as these trackers define them (for reading entries back
     * from checkpoints: {@link dev.nfct.core.ConnCodec}).
     */
    public static final EntryTypes ENTRY_TYPES =
            protocol -> Standard.TRACKERS.get(protocol).entryType();

    /** What the tuples of this protocol hold, as its standard tracker says. */
    public static L4Kind l4Kind(int protocol) {
        return Standard.TRACKERS.get(protocol).l4Kind();
    }

    /** The standard trackers on default settings, for the facts that do not depend on settings. */
    private static final class Standard {
        static final Trackers TRACKERS = new Trackers(new Settings());
    }

    @Override
    public ProtocolTracker get(int protocol) {
        return byProtocol[protocol & 0xff];
    }
}
