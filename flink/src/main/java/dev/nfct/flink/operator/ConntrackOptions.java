package dev.nfct.flink.operator;

import dev.nfct.core.Settings;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Flink configuration of the conntrack operator: its own options, and every kernel sysctl the
 * engine knows ({@link SysctlOptions}) by name.
 */
public final class ConntrackOptions {
    private ConntrackOptions() {}

    /** One option per sysctl ({@link SysctlOptions}), by sysctl name. */
    public static final Map<String, ConfigOption<Integer>> SYSCTLS = bySysctlName();

    public static final ConfigOption<Duration> PENDING_TIMEOUT = ConfigOptions.key("conntrack.pending-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(5))
            .withDescription("How long (in its host's time) an entry created at an entry hook waits for its packet's "
                    + "exit-hook observation. After that the packet is taken as dropped: a new entry is "
                    + "discarded without any event, as the kernel frees an unconfirmed entry with its packet.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOptions.key("conntrack.out-of-orderness")
            .durationType()
            .defaultValue(Duration.ofSeconds(2))
            .withDescription("How far one host's packet times may go back (its packets reach Kafka this much out "
                    + "of time order at most). Each host has its own clock, its newest packet time less this "
                    + "bound: a packet older than its host's clock is late (a dead letter), and a host's entries "
                    + "expire when its clock passes their deadline. Other hosts' clocks never count.");

    public static final ConfigOption<Duration> HOST_TIME_BROADCAST = ConfigOptions.key(
                    "conntrack.host-time-broadcast-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("How often each source subtask tells every conntrack subtask its hosts' newest packet "
                    + "times, so that an entry expires on time even when its subtask receives no more packets of "
                    + "its host (parallelism above 1). 0 turns it off: a subtask then learns a host's time only "
                    + "from the packets it receives.");

    public static final ConfigOption<TableUpdates> TABLE_UPDATES = ConfigOptions.key("conntrack.table-updates")
            .enumType(TableUpdates.class)
            .defaultValue(TableUpdates.EVENTS)
            .withDescription("When entries are written to the table output (compacted topic): OFF; EVENTS "
                    + "(with every NEW/UPDATE, a tombstone on DESTROY; counters as of the last event); PACKETS "
                    + "(also after every packet, so the table is always exactly `conntrack -L`).");

    public static final ConfigOption<Boolean> PACKET_CTINFO = ConfigOptions.key("conntrack.packet-ctinfo")
            .booleanType()
            .defaultValue(false)
            .withDescription("Also emit every packet's ct state and direction (what `ct state` would match), "
                    + "one record per packet.");

    private static Map<String, ConfigOption<Integer>> bySysctlName() {
        Map<String, ConfigOption<Integer>> m = new LinkedHashMap<>();
        SysctlOptions.ALL.forEach(o -> m.put(SysctlOptions.sysctlName(o), o));
        return Collections.unmodifiableMap(m);
    }

    /** The operator's own options (the sysctls are in {@link SysctlOptions}). */
    public static final List<ConfigOption<?>> OPERATOR =
            List.of(PENDING_TIMEOUT, OUT_OF_ORDERNESS, HOST_TIME_BROADCAST, TABLE_UPDATES, PACKET_CTINFO);

    /** Every sysctl's value in a Flink configuration, by sysctl name (in {@link #SYSCTLS} order). */
    public static Map<String, Integer> sysctls(ReadableConfig config) {
        Map<String, Integer> m = new LinkedHashMap<>();
        SYSCTLS.forEach((name, option) -> m.put(name, config.get(option)));
        return m;
    }

    /** Engine settings from a Flink configuration. */
    public static Settings settings(ReadableConfig config) {
        return settings(sysctls(config));
    }

    /**
     * Engine settings from sysctl values by name, set in the map's order through
     * {@link Settings#set(String, String)} (which checks each name and value).
     */
    public static Settings settings(Map<String, Integer> sysctls) {
        Settings s = new Settings();
        sysctls.forEach((name, value) -> s.set(name, Integer.toString(value)));
        return s;
    }
}
