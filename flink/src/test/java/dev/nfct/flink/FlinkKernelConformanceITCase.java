package dev.nfct.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.TableEntry;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.replay.KernelReference;
import dev.nfct.replay.OracleFormat;
import dev.nfct.replay.OracleReplay;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.TableEntries;
import dev.nfct.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flink job (its in-process replay path: the real job graph, keyed state and timers, without
 * Kafka) against the real kernel, on two sets of captures replayed side by side in one job each,
 * every capture as its own host: the reference captures ({@code NFCT_REFERENCE_PCAPS}, else the
 * folder beside the checkout, and its {@code public/} folder) and the project's own regression
 * captures. Each must give the kernel's events flow by flow, its final table entry by entry (state,
 * timeout, counters) and its ctinfo frame by frame. A capture without the kernel's files, or an
 * empty folder, fails.
 */
class FlinkKernelConformanceITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void everyReferenceCaptureThroughTheJobAgreesWithTheKernel() throws Exception {
        Path pcaps = SharedData.pcaps();
        Assumptions.assumeTrue(
                pcaps != null,
                "no reference captures (NFCT_REFERENCE_PCAPS, or ../shared/pcaps beside the checkout): Flink job conformance not checked");
        Map<String, Path> captures = new LinkedHashMap<>();
        for (Path p : SharedData.captures()) {
            captures.put((p.getParent().equals(pcaps) ? "" : "public/") + base(p), p);
        }
        compare("reference captures", captures);
    }

    @Test
    void everyRegressionCaptureThroughTheJobAgreesWithTheKernel() throws Exception {
        Map<String, Path> captures = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(SharedData.regressions())) {
            s.filter(p -> p.toString().endsWith(".pcap")).sorted().forEach(p -> captures.put(base(p), p));
        }
        compare("regression captures", captures);
    }

    private static void compare(String what, Map<String, Path> captures) throws Exception {
        assertThat(captures).as("%s to compare", what).isNotEmpty();
        Map<String, KernelReference> kernel = new LinkedHashMap<>();
        // One job per set of settings the kernel ran with (most captures: the replay defaults).
        Map<Map<String, String>, Map<String, Path>> bySettings = new LinkedHashMap<>();
        for (var e : captures.entrySet()) {
            KernelReference k = KernelReference.beside(e.getValue());
            kernel.put(e.getKey(), k);
            bySettings.computeIfAbsent(k.sysctls(), x -> new LinkedHashMap<>()).put(e.getKey(), e.getValue());
        }
        Map<String, FlinkReplay.HostResult> results = new LinkedHashMap<>();
        for (var group : bySettings.entrySet()) {
            Configuration conf = configuration();
            group.getKey()
                    .forEach((name, value) -> conf.set(ConntrackOptions.SYSCTLS.get(name), Integer.valueOf(value)));
            results.putAll(FlinkReplay.run(environment(conf), group.getValue(), conf));
        }

        List<String> disagreements = new ArrayList<>();
        StringBuilder summary = new StringBuilder("\nFlink job vs kernel (" + what + "):\n");
        for (var e : captures.entrySet()) {
            FlinkReplay.HostResult r = results.get(e.getKey());
            KernelReference k = kernel.get(e.getKey());
            Map<String, List<String>> ours = new TreeMap<>(OracleReplay.byFlow(eventLines(r))),
                    theirs = new TreeMap<>(OracleReplay.byFlow(k.events()));
            long same = theirs.keySet().stream()
                    .filter(f -> theirs.get(f).equals(ours.get(f)))
                    .count();
            List<String> table = tableLines(r);
            boolean eventsSame = ours.equals(theirs),
                    tableSame = table.equals(k.sortedTable()),
                    traceSame = r.trace.equals(k.traceKeys());
            summary.append(String.format(
                    "%-44s flows %d/%d table %s ctinfo %s%n",
                    e.getKey(),
                    same,
                    theirs.size(),
                    tableSame ? "same" : "DIFFERENT",
                    traceSame ? "same" : "DIFFERENT"));
            if (!(eventsSame && tableSame && traceSame)) {
                disagreements.add(e.getKey() + ": flows " + same + "/" + theirs.size()
                        + (eventsSame ? "" : "\n  kernel " + theirs + "\n  ours   " + ours)
                        + (tableSame ? "" : "\n  kernel table " + k.sortedTable() + "\n  our table    " + table)
                        + (traceSame ? "" : "\n  kernel ctinfo " + k.traceKeys() + "\n  our ctinfo    " + r.trace));
            }
        }
        System.out.println(summary);
        assertThat(results).hasSize(captures.size());
        assertThat(disagreements)
                .as("captures where the job differs from the kernel")
                .isEmpty();
    }

    private static Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_acct"), 1);
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_timestamp"), 1);
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_checksum"), 0);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // A table record after every packet: the table output is then exactly `conntrack -L`.
        conf.set(ConntrackOptions.TABLE_UPDATES, dev.nfct.flink.operator.TableUpdates.PACKETS);
        conf.set(ConntrackOptions.PACKET_CTINFO, true);
        return conf;
    }

    private static StreamExecutionEnvironment environment(Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    private static List<String> eventLines(FlinkReplay.HostResult r) {
        List<String> lines = new ArrayList<>();
        for (FlowEvent f : r.events) {
            lines.add(OracleFormat.event(FlowEvents.toConnEvent(f)));
        }
        return lines;
    }

    /** The table as the compacted topic keeps it, printed entry by entry as `conntrack -L` would. */
    private static List<String> tableLines(FlinkReplay.HostResult r) throws IOException {
        List<String> table = new ArrayList<>();
        for (TableEntry t : r.table.values()) {
            table.add(OracleFormat.entry(TableEntries.toDumpedEntry(t, r.now)));
        }
        table.sort(null);
        return table;
    }

    private static String base(Path p) {
        String f = p.getFileName().toString();
        return f.substring(0, f.lastIndexOf('.'));
    }
}
