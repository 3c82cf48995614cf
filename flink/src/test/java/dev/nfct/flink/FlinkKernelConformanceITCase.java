package dev.nfct.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.TableEntry;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.replay.OracleFormat;
import dev.nfct.replay.OracleReplay;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.TableEntries;
import dev.nfct.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * Kafka) against the real kernel: every capture in {@code ../shared/pcaps} and its {@code public/}
 * folder, replayed side by side in one job with each capture as its own host, must give the
 * kernel's events flow by flow, its final table and its per-packet ctinfo.
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
            if (p.toString().endsWith(".pcap") && Files.exists(sibling(p, ".events"))) {
                captures.put((p.getParent().equals(pcaps) ? "" : "public/") + base(p), p);
            }
        }
        Configuration conf = new Configuration();
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_acct"), 1);
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_timestamp"), 1);
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_checksum"), 0);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // A table record after every packet: the table output is then exactly `conntrack -L`.
        conf.set(ConntrackOptions.TABLE_UPDATES, dev.nfct.flink.operator.TableUpdates.PACKETS);
        conf.set(ConntrackOptions.PACKET_CTINFO, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        Map<String, FlinkReplay.HostResult> results = FlinkReplay.run(env, captures, conf);

        List<String> disagreements = new ArrayList<>();
        StringBuilder summary = new StringBuilder("\nFlink job vs kernel (../shared/pcaps):\n");
        for (var e : captures.entrySet()) {
            FlinkReplay.HostResult r = results.get(e.getKey());
            List<String> ours = new ArrayList<>();
            for (FlowEvent f : r.events) {
                ours.add(OracleFormat.event(FlowEvents.toConnEvent(f)));
            }
            List<String> kernel = Files.readAllLines(sibling(e.getValue(), ".events"));
            Map<String, List<String>> a = new TreeMap<>(OracleReplay.byFlow(ours)),
                    b = new TreeMap<>(OracleReplay.byFlow(kernel));
            long same =
                    b.keySet().stream().filter(k -> b.get(k).equals(a.get(k))).count();
            List<String> table = new ArrayList<>();
            for (TableEntry t : r.table.values()) {
                table.add(OracleFormat.entry(TableEntries.toDumpedEntry(t, r.now)));
            }
            table.sort(null);
            List<String> kernelTable =
                    new ArrayList<>(Files.readAllLines(Path.of(sibling(e.getValue(), ".events") + ".table")));
            kernelTable.sort(null);
            Path traceFile = Path.of(sibling(e.getValue(), ".events") + ".trace");
            List<String> kernelTrace =
                    Files.exists(traceFile) ? OracleReplay.traceKeys(Files.readAllLines(traceFile)) : List.of();
            boolean traceSame = kernelTrace.equals(r.trace);
            boolean ok = a.equals(b) && table.equals(kernelTable) && traceSame;
            summary.append(String.format(
                    "%-34s flows %d/%d table %s ctinfo %s%n",
                    e.getKey(),
                    same,
                    b.size(),
                    table.equals(kernelTable) ? "same" : "DIFFERENT",
                    traceSame ? "same" : "DIFFERENT"));
            if (!ok) {
                disagreements.add(e.getKey() + ": flows " + same + "/" + b.size()
                        + (a.equals(b) ? "" : "\n  kernel " + b + "\n  ours   " + a)
                        + (table.equals(kernelTable)
                                ? ""
                                : "\n  kernel table " + kernelTable + "\n  our table    " + table)
                        + (traceSame ? "" : "\n  ctinfo differs"));
            }
        }
        System.out.println(summary);
        assertThat(results).hasSize(captures.size());
        assertThat(disagreements)
                .as("captures where the job differs from the kernel")
                .isEmpty();
    }

    private static Path sibling(Path pcap, String suffix) {
        String s = pcap.toString();
        return Path.of(s.substring(0, s.lastIndexOf('.')) + suffix);
    }

    private static String base(Path p) {
        String f = p.getFileName().toString();
        return f.substring(0, f.lastIndexOf('.'));
    }
}
