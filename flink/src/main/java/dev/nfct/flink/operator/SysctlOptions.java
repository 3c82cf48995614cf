package dev.nfct.flink.operator;

import dev.nfct.core.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The kernel's conntrack sysctls as Flink options: {@code conntrack.<sysctl name>}, with the
 * kernel's default (two exceptions, said where they are), e.g.
 * {@code conntrack.nf_conntrack_tcp_timeout_established: 432000}.
 */
public final class SysctlOptions {
    /** The engine's defaults, which are the kernel's; the job changes two of them (see MAX, EVENTS). */
    private static final Settings DEFAULTS = jobDefaults();

    private static final List<ConfigOption<Integer>> ALL_OPTIONS = new ArrayList<>();

    public static final ConfigOption<Integer> MAX = sysctl(
            "nf_conntrack_max",
            "How many entries the table may hold before a new connection has to push an unassured one out (early drop), as the kernel's table limit. The job's default is 0, no limit: a keyed table has no global view of all entries (the kernel's default is 262144).");

    public static final ConfigOption<Integer> CHECKSUM = sysctl(
            "nf_conntrack_checksum",
            "1: a packet whose transport checksum is wrong is invalid (no entry, no state change). 0: checksums are not looked at.");

    public static final ConfigOption<Integer> ACCT = sysctl(
            "nf_conntrack_acct",
            "1: entries count packets and bytes in each direction; the counters appear on DESTROY events and in the table.");

    public static final ConfigOption<Integer> TIMESTAMP =
            sysctl("nf_conntrack_timestamp", "1: entries keep their start and stop times.");

    public static final ConfigOption<Integer> EVENTS = sysctl(
            "nf_conntrack_events",
            "Whether entries produce events. The job's purpose is its events, so its default is 1 (the kernel's is 2, events when a listener exists).");

    public static final ConfigOption<Integer> GENERIC_TIMEOUT = sysctl(
            "nf_conntrack_generic_timeout",
            "Seconds an entry of a protocol with no tracker of its own lives without packets.");

    public static final ConfigOption<Integer> ICMP_TIMEOUT = sysctl(
            "nf_conntrack_icmp_timeout",
            "Seconds an ICMP query entry (echo, timestamp, information request) lives without packets.");

    public static final ConfigOption<Integer> ICMPV6_TIMEOUT = sysctl(
            "nf_conntrack_icmpv6_timeout", "Seconds an ICMPv6 query entry (echo request) lives without packets.");

    public static final ConfigOption<Integer> UDP_TIMEOUT = sysctl(
            "nf_conntrack_udp_timeout", "Seconds a UDP (or UDPLite) entry lives without packets until it is a stream.");

    public static final ConfigOption<Integer> UDP_TIMEOUT_STREAM = sysctl(
            "nf_conntrack_udp_timeout_stream",
            "Seconds a UDP (or UDPLite) entry lives without packets once it is a stream: replies seen, and packets still coming more than two seconds after the first.");

    public static final ConfigOption<Integer> GRE_TIMEOUT = sysctl(
            "nf_conntrack_gre_timeout", "Seconds a GRE entry lives without packets until traffic has gone both ways.");

    public static final ConfigOption<Integer> GRE_TIMEOUT_STREAM = sysctl(
            "nf_conntrack_gre_timeout_stream",
            "Seconds a GRE entry lives without packets once traffic has gone both ways.");

    public static final ConfigOption<Integer> TCP_LOOSE = sysctl(
            "nf_conntrack_tcp_loose",
            "1: a TCP connection seen first in the middle (no SYN) is picked up as established. 0: only a SYN creates an entry.");

    public static final ConfigOption<Integer> TCP_BE_LIBERAL = sysctl(
            "nf_conntrack_tcp_be_liberal",
            "1: TCP segments outside the tracked window are accepted instead of being invalid (RSTs are still checked).");

    public static final ConfigOption<Integer> TCP_IGNORE_INVALID_RST =
            sysctl("nf_conntrack_tcp_ignore_invalid_rst", "1: a TCP RST outside the window is not marked invalid.");

    public static final ConfigOption<Integer> TCP_MAX_RETRANS = sysctl(
            "nf_conntrack_tcp_max_retrans",
            "How many times the same TCP segment may be sent again with no acknowledgement from the other side before the entry falls to the max_retrans timeout.");

    public static final ConfigOption<Integer> TCP_TIMEOUT_SYN_SENT = sysctl(
            "nf_conntrack_tcp_timeout_syn_sent",
            "Seconds a TCP entry lives in SYN_SENT (a SYN seen, no answer yet) without packets.");

    public static final ConfigOption<Integer> TCP_TIMEOUT_SYN_RECV = sysctl(
            "nf_conntrack_tcp_timeout_syn_recv",
            "Seconds a TCP entry lives in SYN_RECV (SYN answered, handshake not finished) without packets.");

    public static final ConfigOption<Integer> TCP_TIMEOUT_ESTABLISHED = sysctl(
            "nf_conntrack_tcp_timeout_established",
            "Seconds an established TCP connection lives without packets (five days by default).");

    public static final ConfigOption<Integer> TCP_TIMEOUT_FIN_WAIT = sysctl(
            "nf_conntrack_tcp_timeout_fin_wait",
            "Seconds a TCP entry lives in FIN_WAIT (one side closed) without packets.");

    public static final ConfigOption<Integer> TCP_TIMEOUT_CLOSE_WAIT = sysctl(
            "nf_conntrack_tcp_timeout_close_wait",
            "Seconds a TCP entry lives in CLOSE_WAIT (the FIN acknowledged, the other side still open) without packets.");

    public static final ConfigOption<Integer> TCP_TIMEOUT_LAST_ACK = sysctl(
            "nf_conntrack_tcp_timeout_last_ack",
            "Seconds a TCP entry lives in LAST_ACK (both sides closed, the last FIN not yet acknowledged) without packets.");

    public static final ConfigOption<Integer> TCP_TIMEOUT_TIME_WAIT =
            sysctl("nf_conntrack_tcp_timeout_time_wait", "Seconds a TCP entry lives in TIME_WAIT after a clean close.");

    public static final ConfigOption<Integer> TCP_TIMEOUT_CLOSE =
            sysctl("nf_conntrack_tcp_timeout_close", "Seconds a TCP entry lives in CLOSE, after a RST.");

    public static final ConfigOption<Integer> TCP_TIMEOUT_MAX_RETRANS = sysctl(
            "nf_conntrack_tcp_timeout_max_retrans",
            "Seconds a TCP entry lives, at most, once tcp_max_retrans retransmissions went unanswered.");

    public static final ConfigOption<Integer> TCP_TIMEOUT_UNACKNOWLEDGED = sysctl(
            "nf_conntrack_tcp_timeout_unacknowledged",
            "Seconds a TCP entry lives, at most, while data it has seen is not acknowledged.");

    public static final ConfigOption<Integer> SCTP_TIMEOUT_CLOSED =
            sysctl("nf_conntrack_sctp_timeout_closed", "Seconds an SCTP entry lives in CLOSED without packets.");

    public static final ConfigOption<Integer> SCTP_TIMEOUT_COOKIE_WAIT = sysctl(
            "nf_conntrack_sctp_timeout_cookie_wait",
            "Seconds an SCTP entry lives in COOKIE_WAIT (INIT seen) without packets.");

    public static final ConfigOption<Integer> SCTP_TIMEOUT_COOKIE_ECHOED = sysctl(
            "nf_conntrack_sctp_timeout_cookie_echoed", "Seconds an SCTP entry lives in COOKIE_ECHOED without packets.");

    public static final ConfigOption<Integer> SCTP_TIMEOUT_ESTABLISHED = sysctl(
            "nf_conntrack_sctp_timeout_established", "Seconds an established SCTP association lives without packets.");

    public static final ConfigOption<Integer> SCTP_TIMEOUT_SHUTDOWN_SENT = sysctl(
            "nf_conntrack_sctp_timeout_shutdown_sent", "Seconds an SCTP entry lives in SHUTDOWN_SENT without packets.");

    public static final ConfigOption<Integer> SCTP_TIMEOUT_SHUTDOWN_RECD = sysctl(
            "nf_conntrack_sctp_timeout_shutdown_recd", "Seconds an SCTP entry lives in SHUTDOWN_RECD without packets.");

    public static final ConfigOption<Integer> SCTP_TIMEOUT_SHUTDOWN_ACK_SENT = sysctl(
            "nf_conntrack_sctp_timeout_shutdown_ack_sent",
            "Seconds an SCTP entry lives in SHUTDOWN_ACK_SENT without packets.");

    public static final ConfigOption<Integer> SCTP_TIMEOUT_HEARTBEAT_SENT = sysctl(
            "nf_conntrack_sctp_timeout_heartbeat_sent",
            "Seconds an SCTP entry lives in HEARTBEAT_SENT (a new path being probed) without packets.");

    /** Every sysctl option, in the engine's order. */
    public static final List<ConfigOption<Integer>> ALL = Collections.unmodifiableList(ALL_OPTIONS);

    private SysctlOptions() {}

    /** The sysctl name of an option of this class ({@code conntrack.} left off). */
    public static String sysctlName(ConfigOption<Integer> option) {
        return option.key().substring(PREFIX.length());
    }

    private static final String PREFIX = "conntrack.";

    private static ConfigOption<Integer> sysctl(String name, String description) {
        ConfigOption<Integer> o = ConfigOptions.key(PREFIX + name)
                .intType()
                .defaultValue(DEFAULTS.get(name))
                .withDescription(description + " (net.netfilter." + name + ")");
        ALL_OPTIONS.add(o);
        return o;
    }

    private static Settings jobDefaults() {
        Settings s = new Settings();
        s.max = 0;
        s.events = 1;
        return s;
    }
}
