package dev.nfct.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;
import java.util.function.ToIntFunction;

/**
 * The per-namespace sysctls that change conntrack behaviour, with the kernel's names
 * ({@code net.netfilter.nf_conntrack_*}) and defaults. Timeouts are in seconds.
 *
 * <p>Mutable on purpose: like the sysctls, a change applies to what happens next. Extensions
 * (acct, timestamp, events) are decided when an entry is created and never added later.
 */
public final class Settings {
    public int max = 262144;
    public int checksum = 1;
    public int acct = 0;
    public int timestamp = 0;
    /** 0 off, 1 on, 2 on when at least one event listener is registered. */
    public int events = 2;

    public int genericTimeout = 600;
    public int icmpTimeout = 30;
    public int icmpv6Timeout = 30;
    public int udpTimeout = 30;
    public int udpTimeoutStream = 120;
    public int greTimeout = 30;
    public int greTimeoutStream = 180;

    public int tcpLoose = 1;
    public int tcpBeLiberal = 0;
    public int tcpIgnoreInvalidRst = 0;
    public int tcpMaxRetrans = 3;
    public int tcpTimeoutSynSent = 120;
    public int tcpTimeoutSynRecv = 60;
    public int tcpTimeoutEstablished = 432000;
    public int tcpTimeoutFinWait = 120;
    public int tcpTimeoutCloseWait = 60;
    public int tcpTimeoutLastAck = 30;
    public int tcpTimeoutTimeWait = 120;
    public int tcpTimeoutClose = 10;
    /** SYN_SENT2 has no sysctl in the kernel (only a timeout policy can change it). */
    public int tcpTimeoutSynSent2 = 120;

    public int tcpTimeoutMaxRetrans = 300;
    public int tcpTimeoutUnacknowledged = 300;

    public int sctpTimeoutClosed = 10;
    public int sctpTimeoutCookieWait = 3;
    public int sctpTimeoutCookieEchoed = 3;
    public int sctpTimeoutEstablished = 210;
    public int sctpTimeoutShutdownSent = 3;
    public int sctpTimeoutShutdownRecd = 3;
    public int sctpTimeoutShutdownAckSent = 3;
    public int sctpTimeoutHeartbeatSent = 30;

    private static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    /**
     * The largest value the kernel takes for the sysctls it bounds (observed on Linux 6.18: a larger
     * write is refused); the others take any non-negative number.
     */
    private static final Map<String, Integer> MAX = Map.of(
            "nf_conntrack_acct", 1,
            "nf_conntrack_timestamp", 1,
            "nf_conntrack_checksum", 1,
            "nf_conntrack_tcp_loose", 1,
            "nf_conntrack_tcp_be_liberal", 1,
            "nf_conntrack_tcp_ignore_invalid_rst", 1,
            "nf_conntrack_events", 2,
            "nf_conntrack_tcp_max_retrans", 255);

    /** Conntrack sysctls the kernel has (6.18) that this engine does not implement. */
    public static final List<String> NOT_IMPLEMENTED = List.of(
            "nf_conntrack_buckets",
            "nf_conntrack_expect_max",
            "nf_conntrack_log_invalid",
            "nf_conntrack_frag6_timeout",
            "nf_conntrack_frag6_high_thresh",
            "nf_conntrack_frag6_low_thresh");

    private static final class Field {
        final ToIntFunction<Settings> get;
        final ObjIntConsumer<Settings> set;

        Field(ToIntFunction<Settings> get, ObjIntConsumer<Settings> set) {
            this.get = get;
            this.set = set;
        }
    }

    private static void field(String name, ToIntFunction<Settings> get, ObjIntConsumer<Settings> set) {
        FIELDS.put(name, new Field(get, set));
    }

    static {
        field("nf_conntrack_max", s -> s.max, (s, v) -> s.max = v);
        field("nf_conntrack_checksum", s -> s.checksum, (s, v) -> s.checksum = v);
        field("nf_conntrack_acct", s -> s.acct, (s, v) -> s.acct = v);
        field("nf_conntrack_timestamp", s -> s.timestamp, (s, v) -> s.timestamp = v);
        field("nf_conntrack_events", s -> s.events, (s, v) -> s.events = v);
        field("nf_conntrack_generic_timeout", s -> s.genericTimeout, (s, v) -> s.genericTimeout = v);
        field("nf_conntrack_icmp_timeout", s -> s.icmpTimeout, (s, v) -> s.icmpTimeout = v);
        field("nf_conntrack_icmpv6_timeout", s -> s.icmpv6Timeout, (s, v) -> s.icmpv6Timeout = v);
        field("nf_conntrack_udp_timeout", s -> s.udpTimeout, (s, v) -> s.udpTimeout = v);
        field("nf_conntrack_udp_timeout_stream", s -> s.udpTimeoutStream, (s, v) -> s.udpTimeoutStream = v);
        field("nf_conntrack_gre_timeout", s -> s.greTimeout, (s, v) -> s.greTimeout = v);
        field("nf_conntrack_gre_timeout_stream", s -> s.greTimeoutStream, (s, v) -> s.greTimeoutStream = v);
        field("nf_conntrack_tcp_loose", s -> s.tcpLoose, (s, v) -> s.tcpLoose = v);
        field("nf_conntrack_tcp_be_liberal", s -> s.tcpBeLiberal, (s, v) -> s.tcpBeLiberal = v);
        field("nf_conntrack_tcp_ignore_invalid_rst", s -> s.tcpIgnoreInvalidRst, (s, v) -> s.tcpIgnoreInvalidRst = v);
        field("nf_conntrack_tcp_max_retrans", s -> s.tcpMaxRetrans, (s, v) -> s.tcpMaxRetrans = v);
        field("nf_conntrack_tcp_timeout_syn_sent", s -> s.tcpTimeoutSynSent, (s, v) -> s.tcpTimeoutSynSent = v);
        field("nf_conntrack_tcp_timeout_syn_recv", s -> s.tcpTimeoutSynRecv, (s, v) -> s.tcpTimeoutSynRecv = v);
        field(
                "nf_conntrack_tcp_timeout_established",
                s -> s.tcpTimeoutEstablished,
                (s, v) -> s.tcpTimeoutEstablished = v);
        field("nf_conntrack_tcp_timeout_fin_wait", s -> s.tcpTimeoutFinWait, (s, v) -> s.tcpTimeoutFinWait = v);
        field("nf_conntrack_tcp_timeout_close_wait", s -> s.tcpTimeoutCloseWait, (s, v) -> s.tcpTimeoutCloseWait = v);
        field("nf_conntrack_tcp_timeout_last_ack", s -> s.tcpTimeoutLastAck, (s, v) -> s.tcpTimeoutLastAck = v);
        field("nf_conntrack_tcp_timeout_time_wait", s -> s.tcpTimeoutTimeWait, (s, v) -> s.tcpTimeoutTimeWait = v);
        field("nf_conntrack_tcp_timeout_close", s -> s.tcpTimeoutClose, (s, v) -> s.tcpTimeoutClose = v);
        field(
                "nf_conntrack_tcp_timeout_max_retrans",
                s -> s.tcpTimeoutMaxRetrans,
                (s, v) -> s.tcpTimeoutMaxRetrans = v);
        field(
                "nf_conntrack_tcp_timeout_unacknowledged",
                s -> s.tcpTimeoutUnacknowledged,
                (s, v) -> s.tcpTimeoutUnacknowledged = v);
        field("nf_conntrack_sctp_timeout_closed", s -> s.sctpTimeoutClosed, (s, v) -> s.sctpTimeoutClosed = v);
        field(
                "nf_conntrack_sctp_timeout_cookie_wait",
                s -> s.sctpTimeoutCookieWait,
                (s, v) -> s.sctpTimeoutCookieWait = v);
        field(
                "nf_conntrack_sctp_timeout_cookie_echoed",
                s -> s.sctpTimeoutCookieEchoed,
                (s, v) -> s.sctpTimeoutCookieEchoed = v);
        field(
                "nf_conntrack_sctp_timeout_established",
                s -> s.sctpTimeoutEstablished,
                (s, v) -> s.sctpTimeoutEstablished = v);
        field(
                "nf_conntrack_sctp_timeout_shutdown_sent",
                s -> s.sctpTimeoutShutdownSent,
                (s, v) -> s.sctpTimeoutShutdownSent = v);
        field(
                "nf_conntrack_sctp_timeout_shutdown_recd",
                s -> s.sctpTimeoutShutdownRecd,
                (s, v) -> s.sctpTimeoutShutdownRecd = v);
        field(
                "nf_conntrack_sctp_timeout_shutdown_ack_sent",
                s -> s.sctpTimeoutShutdownAckSent,
                (s, v) -> s.sctpTimeoutShutdownAckSent = v);
        field(
                "nf_conntrack_sctp_timeout_heartbeat_sent",
                s -> s.sctpTimeoutHeartbeatSent,
                (s, v) -> s.sctpTimeoutHeartbeatSent = v);
    }

    /**
     * Sets one value by its sysctl name, with or without the {@code net.netfilter.} prefix.
     *
     * @throws IllegalArgumentException for an unknown name or a value that is not a number
     */
    public Settings set(String name, String value) {
        Field f = FIELDS.get(strip(name));
        if (f == null) {
            if (NOT_IMPLEMENTED.contains(strip(name))) {
                throw new IllegalArgumentException("the kernel's " + strip(name)
                        + " is not implemented by this engine (it leaves out " + String.join(", ", NOT_IMPLEMENTED)
                        + ")");
            }
            throw new IllegalArgumentException(
                    "unknown conntrack setting '" + name + "' (known: " + String.join(", ", FIELDS.keySet()) + ")");
        }
        int v;
        try {
            v = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + name + ": '" + value + "' is not a whole number");
        }
        if (v < 0) {
            throw new IllegalArgumentException("setting " + name + ": " + v + " is negative");
        }
        int max = MAX.getOrDefault(strip(name), Integer.MAX_VALUE);
        if (v > max) {
            throw new IllegalArgumentException(
                    "setting " + name + ": " + v + " is out of range (0 to " + max + ", as the kernel takes it)");
        }
        f.set.accept(this, v);
        return this;
    }

    public int get(String name) {
        Field f = FIELDS.get(strip(name));
        if (f == null) {
            throw new IllegalArgumentException("unknown conntrack setting '" + name + "'");
        }
        return f.get.applyAsInt(this);
    }

    /** Every setting by its sysctl name, in a stable order. */
    public Map<String, Integer> asMap() {
        Map<String, Integer> m = new LinkedHashMap<>();
        FIELDS.forEach((k, f) -> m.put(k, f.get.applyAsInt(this)));
        return m;
    }

    public static Iterable<String> names() {
        return FIELDS.keySet();
    }

    private static String strip(String name) {
        String n = name.trim();
        return n.startsWith("net.netfilter.") ? n.substring("net.netfilter.".length()) : n;
    }

    /** The settings the reference harness uses: acct, timestamps and events on, checksums off. */
    public static Settings replayDefaults() {
        Settings s = new Settings();
        s.checksum = 0;
        s.acct = 1;
        s.timestamp = 1;
        s.events = 1;
        return s;
    }
}
