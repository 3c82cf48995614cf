package dev.nfct.flink.operator;

import dev.nfct.core.Settings;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flink configuration of the conntrack operator. Every kernel sysctl the engine knows is an option
 * with the kernel's name and default under {@code conntrack.}, e.g.
 * {@code conntrack.nf_conntrack_tcp_timeout_established: 432000}.
 */
public final class ConntrackOptions {
    private ConntrackOptions() {
    }

    /** One option per sysctl, by sysctl name. */
    public static final Map<String, ConfigOption<Integer>> SYSCTLS = sysctlOptions();

    public static final ConfigOption<Duration> PENDING_TIMEOUT = ConfigOptions.key("conntrack.pending-timeout")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("How long (in event time) an entry created at an entry hook waits for its packet's "
                    + "exit-hook observation. After that the packet is taken as dropped: a new entry is "
                    + "discarded without any event, as the kernel frees an unconfirmed entry with its packet.");

    public static final ConfigOption<TableUpdates> TABLE_UPDATES = ConfigOptions.key("conntrack.table-updates")
            .enumType(TableUpdates.class).defaultValue(TableUpdates.EVENTS)
            .withDescription("When entries are written to the table output (compacted topic): OFF; EVENTS "
                    + "(with every NEW/UPDATE, a tombstone on DESTROY; counters as of the last event); PACKETS "
                    + "(also after every packet, so the table is always exactly `conntrack -L`).");

    public static final ConfigOption<Boolean> PACKET_CTINFO = ConfigOptions.key("conntrack.packet-ctinfo")
            .booleanType().defaultValue(false)
            .withDescription("Also emit every packet's ct state and direction (what `ct state` would match), "
                    + "one record per packet.");

    private static Map<String, ConfigOption<Integer>> sysctlOptions() {
        Settings defaults = new Settings();
        // The keyed table has no global view of all entries, so there is no table-wide limit
        // (nf_conntrack_max = 0, "no limit") unless one is configured.
        defaults.max = 0;
        // Events always on: producing them is the job's purpose.
        defaults.events = 1;
        Map<String, ConfigOption<Integer>> m = new LinkedHashMap<>();
        defaults.asMap().forEach((name, value) -> m.put(name,
                ConfigOptions.key("conntrack." + name).intType().defaultValue(value)
                        .withDescription("The kernel's net.netfilter." + name + ".")));
        return m;
    }

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
