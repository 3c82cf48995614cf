package dev.nfct.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.TableEntry;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.flink.operator.TableUpdates;
import dev.nfct.replay.HookRecordings;
import dev.nfct.replay.KernelReference;
import dev.nfct.replay.OracleFormat;
import dev.nfct.replay.OracleReplay;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.TableEntries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flink job fed with real multi-hook observations of a Linux router against what its kernel
 * did (the recordings of {@code conformance/hooks/record.py}: forwarded traffic, the router's own
 * sockets, loopback, drops between the hooks at forward, input and output, and all of it at once).
 * Each observation is a PacketEvent at its hook with its packet id and verdict, in its own time;
 * each recording must give the kernel's events flow by flow (timeouts included), its table at the
 * recording's end and the ct state of every entry-hook observation.
 *
 * <p>Timeouts are compared as the kernel conformance suite compares them: a value exactly one
 * below a configured timeout counts as that timeout, on both sides (the kernel now and then reads a
 * timeout it has just set one tick later).
 */
class FlinkHookConformanceITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void everyHookRecordingThroughTheJobAgreesWithTheKernel() throws Exception {
        Map<String, FlinkReplay.Hooks> recordings = new LinkedHashMap<>();
        for (Path p : HookRecordings.all()) {
            recordings.put(HookRecordings.name(p), FlinkReplay.Hooks.beside(p));
        }
        assertThat(recordings).as("hook recordings in %s", HookRecordings.dir()).isNotEmpty();

        Configuration conf = new Configuration();
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_acct"), 1);
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_timestamp"), 1);
        conf.set(ConntrackOptions.SYSCTLS.get("nf_conntrack_checksum"), 0);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(ConntrackOptions.TABLE_UPDATES, TableUpdates.PACKETS);
        conf.set(ConntrackOptions.PACKET_CTINFO, true);
        conf.set(ConntrackOptions.OUT_OF_ORDERNESS, java.time.Duration.ZERO);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        Map<String, FlinkReplay.HostResult> results = FlinkReplay.runHooks(env, recordings, conf);

        List<String> disagreements = new ArrayList<>();
        StringBuilder summary = new StringBuilder("\nFlink job vs kernel (hook recordings):\n");
        for (var e : recordings.entrySet()) {
            Path pcap = e.getValue().capture();
            KernelReference k = KernelReference.beside(pcap);
            Set<Integer> configured = HookRecordings.configuredTimeouts(pcap);
            FlinkReplay.HostResult r = results.get(e.getKey());
            List<String> ourEvents = new ArrayList<>();
            for (FlowEvent f : r.events) {
                ourEvents.add(HookRecordings.snap(OracleFormat.event(FlowEvents.toConnEvent(f)), configured));
            }
            Map<String, List<String>> ours = new TreeMap<>(OracleReplay.byFlow(ourEvents)),
                    theirs =
                            new TreeMap<>(OracleReplay.byFlow(k.events().stream()
                                    .map(l -> HookRecordings.snap(l, configured))
                                    .toList()));
            List<String> table = new ArrayList<>();
            for (TableEntry t : r.table.values()) {
                table.add(HookRecordings.snap(OracleFormat.entry(TableEntries.toDumpedEntry(t, r.now)), configured));
            }
            table.sort(null);
            List<String> theirTable = k.sortedTable().stream()
                    .map(l -> HookRecordings.snap(l, configured))
                    .sorted()
                    .toList();
            long same = theirs.keySet().stream()
                    .filter(f -> theirs.get(f).equals(ours.get(f)))
                    .count();
            boolean eventsSame = ours.equals(theirs),
                    tableSame = table.equals(theirTable),
                    traceSame = r.trace.equals(k.traceKeys());
            summary.append(String.format(
                    "%-16s flows %d/%d table %s ctinfo %s (%d entry-hook observations)%n",
                    e.getKey(),
                    same,
                    theirs.size(),
                    tableSame ? "same" : "DIFFERENT",
                    traceSame ? "same" : "DIFFERENT",
                    r.trace.size()));
            if (!(eventsSame && tableSame && traceSame)) {
                disagreements.add(e.getKey() + ": flows " + same + "/" + theirs.size()
                        + (eventsSame ? "" : "\n  kernel " + theirs + "\n  ours   " + ours)
                        + (tableSame ? "" : "\n  kernel table " + theirTable + "\n  our table    " + table)
                        + (traceSame ? "" : "\n  kernel ctinfo " + k.traceKeys() + "\n  our ctinfo    " + r.trace));
            }
            assertThat(r.deadLetters)
                    .as("%s: observations the job refused", e.getKey())
                    .isEmpty();
        }
        System.out.println(summary);
        assertThat(disagreements)
                .as("hook recordings where the job differs from the kernel")
                .isEmpty();
    }
}
