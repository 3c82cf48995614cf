package dev.nfct.cli;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.FlowTuple;
import dev.nfct.core.EventType;
import dev.nfct.schema.FlowEvents;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The event filters of the {@code events} command, after {@code conntrack -E}'s: an event is shown
 * when it meets every condition given (AND); a condition not given matches everything.
 *
 * <ul>
 *   <li>event type ({@code -e NEW,UPDATE,DESTROY}); a type this reader does not know (UNKNOWN, a
 *       newer writer's symbol) counts as the type its event bits make it, as the kernel decides;</li>
 *   <li>L3 family and L4 protocol number;</li>
 *   <li>addresses: a prefix (a single address is a /32 or /128) for the original source, original
 *       destination, reply source, reply destination, or any of the four; an IPv4 prefix never
 *       matches an IPv6 flow and the other way round;</li>
 *   <li>ports of the original or reply tuple: only flows of a protocol with ports (TCP, UDP,
 *       UDP-Lite, SCTP, DCCP) can match;</li>
 *   <li>zone, mark (with an optional mask) and the reporting host ({@code FlowEvent.host}, any of
 *       the names given).</li>
 * </ul>
 */
final class FlowEventFilter implements Predicate<FlowEvent> {
    /** L4 names as {@code conntrack -p} takes them (plus {@code ipv6-icmp}, as /etc/protocols has it). */
    static final Map<String, Integer> PROTOCOLS = Map.of(
            "tcp",
            6,
            "udp",
            17,
            "udplite",
            136,
            "icmp",
            1,
            "icmpv6",
            58,
            "ipv6-icmp",
            58,
            "sctp",
            132,
            "gre",
            47,
            "dccp",
            33);

    private final Set<EventType> types;
    private final Integer family;
    private final Integer protocol;
    private final IpPrefix origSrc;
    private final IpPrefix origDst;
    private final IpPrefix replySrc;
    private final IpPrefix replyDst;
    private final IpPrefix anyAddress;
    private final Integer origSport;
    private final Integer origDport;
    private final Integer replySport;
    private final Integer replyDport;
    private final Integer zone;
    private final long[] mark;
    private final Set<String> hosts;

    private FlowEventFilter(Builder b) {
        types = b.types == null ? null : EnumSet.copyOf(b.types);
        family = b.family;
        protocol = b.protocol;
        origSrc = b.origSrc;
        origDst = b.origDst;
        replySrc = b.replySrc;
        replyDst = b.replyDst;
        anyAddress = b.anyAddress;
        origSport = b.origSport;
        origDport = b.origDport;
        replySport = b.replySport;
        replyDport = b.replyDport;
        zone = b.zone;
        mark = b.mark;
        hosts = b.hosts.isEmpty() ? null : Set.copyOf(b.hosts);
    }

    static Builder builder() {
        return new Builder();
    }

    /** Whether the event meets every condition. Never throws, whatever the record holds. */
    @Override
    public boolean test(FlowEvent f) {
        if (types != null && !types.contains(typeOf(f))) {
            return false;
        }
        if (family != null && f.getFamily() != family) {
            return false;
        }
        if (protocol != null && f.getProtocol() != protocol) {
            return false;
        }
        if (zone != null && f.getZone() != zone) {
            return false;
        }
        if (mark != null && (f.getMark() & mark[1]) != mark[0]) {
            return false;
        }
        if (hosts != null && !hosts.contains(f.getHost())) {
            return false;
        }
        FlowTuple o = f.getOrig();
        FlowTuple r = f.getReply();
        if (o == null || r == null) {
            return origSrc == null
                    && origDst == null
                    && replySrc == null
                    && replyDst == null
                    && anyAddress == null
                    && origSport == null
                    && origDport == null
                    && replySport == null
                    && replyDport == null;
        }
        int fam = f.getFamily();
        return in(origSrc, fam, o.getSrc())
                && in(origDst, fam, o.getDst())
                && in(replySrc, fam, r.getSrc())
                && in(replyDst, fam, r.getDst())
                && (anyAddress == null
                        || anyAddress.matches(fam, o.getSrc())
                        || anyAddress.matches(fam, o.getDst())
                        || anyAddress.matches(fam, r.getSrc())
                        || anyAddress.matches(fam, r.getDst()))
                && port(origSport, o.getSrcPort())
                && port(origDport, o.getDstPort())
                && port(replySport, r.getSrcPort())
                && port(replyDport, r.getDstPort());
    }

    private static boolean in(IpPrefix p, int family, String address) {
        return p == null || p.matches(family, address);
    }

    private static boolean port(Integer wanted, Integer actual) {
        return wanted == null || wanted.equals(actual);
    }

    /**
     * The kind of message an event is: its type, or for UNKNOWN (a symbol added by a newer
     * writer) the type its event bits make it ({@link EventType#of}).
     */
    static EventType typeOf(FlowEvent f) {
        return FlowEvents.type(f);
    }

    // ---- parsing of the command-line values ----------------------------------------------------

    /** {@code NEW,UPDATE,DESTROY} in any case and order, or {@code ALL}. */
    static Set<EventType> parseEventMask(String s) {
        Set<EventType> set = EnumSet.noneOf(EventType.class);
        for (String part : s.split(",", -1)) {
            String p = part.trim().toUpperCase(Locale.ROOT);
            if (p.equals("ALL")) {
                set.addAll(EnumSet.allOf(EventType.class));
                continue;
            }
            try {
                set.add(EventType.valueOf(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "event type '" + part.trim() + "' is not one of NEW, UPDATE, DESTROY (or ALL)");
            }
        }
        return set;
    }

    /** A protocol name ({@link #PROTOCOLS}, any case) or number 0-255. */
    static int parseProtocol(String s) {
        String p = s.trim().toLowerCase(Locale.ROOT);
        Integer known = PROTOCOLS.get(p);
        if (known != null) {
            return known;
        }
        Integer n = number(p, 255);
        if (n == null) {
            throw new IllegalArgumentException("protocol '" + s
                    + "' is not one of tcp, udp, udplite, icmp, icmpv6, sctp, gre, dccp or a number 0-255");
        }
        return n;
    }

    /** {@code ipv4} (2) or {@code ipv6} (10). */
    static int parseFamily(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "ipv4":
            case "inet":
                return 2;
            case "ipv6":
            case "inet6":
                return 10;
            default:
                throw new IllegalArgumentException("family '" + s + "' is not ipv4 or ipv6");
        }
    }

    static int parsePort(String option, String s) {
        return parse16(option, "port", s);
    }

    static int parseZone(String s) {
        return parse16("--zone", "zone", s);
    }

    /** A decimal 0-65535 (surrounding blanks allowed); {@code "OPTION needs a WHAT number 0-65535, not 'S'"}. */
    private static int parse16(String option, String what, String s) {
        Integer n = number(s.trim(), 65535);
        if (n == null) {
            throw new IllegalArgumentException(option + " needs a " + what + " number 0-65535, not '" + s + "'");
        }
        return n;
    }

    /** {@code MARK[/MASK]}, each decimal or 0x-hex, unsigned 32-bit; {mark & mask, mask}. */
    static long[] parseMark(String s) {
        int slash = s.indexOf('/');
        Long m = unsigned32(slash < 0 ? s : s.substring(0, slash));
        Long mask = slash < 0 ? Long.valueOf(0xffff_ffffL) : unsigned32(s.substring(slash + 1));
        if (m == null || mask == null) {
            throw new IllegalArgumentException(
                    "--mark needs MARK[/MASK] (decimal or 0x-hex, 32 bits), not '" + s + "'");
        }
        return new long[] {m & mask, mask};
    }

    private static Long unsigned32(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            long v = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            return v >= 0 && v <= 0xffff_ffffL && !t.startsWith("+") && !t.startsWith("0x+") ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer number(String s, int max) {
        if (s.isEmpty() || s.length() > 6 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int v = Integer.parseInt(s);
        return v > max ? null : v;
    }

    /** Collects the conditions; every setter replaces an earlier value. */
    static final class Builder {
        private Set<EventType> types;
        private Integer family;
        private Integer protocol;
        private IpPrefix origSrc;
        private IpPrefix origDst;
        private IpPrefix replySrc;
        private IpPrefix replyDst;
        private IpPrefix anyAddress;
        private Integer origSport;
        private Integer origDport;
        private Integer replySport;
        private Integer replyDport;
        private Integer zone;
        private long[] mark;
        private final Set<String> hosts = new LinkedHashSet<>();

        private Builder() {}

        Builder types(Set<EventType> t) {
            types = t;
            return this;
        }

        Builder family(int f) {
            family = f;
            return this;
        }

        Builder protocol(int p) {
            protocol = p;
            return this;
        }

        Builder origSrc(IpPrefix p) {
            origSrc = p;
            return this;
        }

        Builder origDst(IpPrefix p) {
            origDst = p;
            return this;
        }

        Builder replySrc(IpPrefix p) {
            replySrc = p;
            return this;
        }

        Builder replyDst(IpPrefix p) {
            replyDst = p;
            return this;
        }

        Builder anyAddress(IpPrefix p) {
            anyAddress = p;
            return this;
        }

        Builder origSport(int p) {
            origSport = p;
            return this;
        }

        Builder origDport(int p) {
            origDport = p;
            return this;
        }

        Builder replySport(int p) {
            replySport = p;
            return this;
        }

        Builder replyDport(int p) {
            replyDport = p;
            return this;
        }

        Builder zone(int z) {
            zone = z;
            return this;
        }

        /** {mark & mask, mask} as {@link #parseMark} gives it. */
        Builder mark(long[] markAndMask) {
            mark = markAndMask.clone();
            return this;
        }

        /** Adds a host name: events of any of the hosts added match. */
        Builder host(String h) {
            hosts.add(h);
            return this;
        }

        FlowEventFilter build() {
            return new FlowEventFilter(this);
        }
    }
}
