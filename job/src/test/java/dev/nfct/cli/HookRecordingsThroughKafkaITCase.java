package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.TableEntry;
import dev.nfct.flink.FlinkReplay;
import dev.nfct.flink.io.Topics;
import dev.nfct.kafka.CommittedReader;
import dev.nfct.kafka.EmbeddedKafka;
import dev.nfct.kafka.EmbeddedKafkaExtension;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.replay.HookRecordings;
import dev.nfct.replay.KernelReference;
import dev.nfct.replay.OracleFormat;
import dev.nfct.replay.OracleReplay;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.TableEntries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook recordings the way a fleet feeds the job: each router's NFLOG capture sent with
 * {@code send} (one host per recording, all on one partition), the job ({@code run}) over what was
 * sent, and its flow events and table read back from Kafka (read_committed). Each host must get
 * its kernel's events flow by flow, timeouts included, and its kernel's table at the recording's
 * end; nothing goes to the dead letters.
 */
class HookRecordingsThroughKafkaITCase {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path dir;

    @Test
    void everyRoutersObservationsThroughKafkaGiveItsKernelsEventsAndTable() throws Exception {
        EmbeddedKafka kafka = KAFKA.broker();
        String prefix = "hooks.";
        Topics topics = Topics.defaults().withPrefix(prefix);
        TopicSetup.createAll(topics, kafka, 1);
        String bootstrap = kafka.bootstrapServers();
        List<Path> recordings = HookRecordings.all();
        assertThat(recordings).isNotEmpty();
        for (Path pcap : recordings) {
            CommandRun send = CommandRun.of(
                    SendCommand::run,
                    "-b",
                    bootstrap,
                    "--topic-prefix",
                    prefix,
                    "--pcap",
                    pcap.toString(),
                    "--host",
                    HookRecordings.name(pcap));
            assertThat(send.status).as(send.err).isZero();
            assertThat(send.err).contains("hook observations of");
        }
        CommandRun job = CommandRun.of(
                RunCommand::run,
                "--bootstrap-servers",
                bootstrap,
                "--topic-prefix",
                prefix,
                "--checkpoint-interval",
                "300ms",
                "--checkpoint-dir",
                dir.resolve("checkpoints").toUri().toString(),
                "--parallelism",
                "2",
                "--set",
                "conntrack.kafka.bounded=true",
                "--set",
                "conntrack.nf_conntrack_acct=1",
                "--set",
                "conntrack.nf_conntrack_timestamp=1",
                "--set",
                "conntrack.nf_conntrack_checksum=0",
                "--set",
                "conntrack.table-updates=PACKETS"); // the table topic then is exactly `conntrack -L`
        assertThat(job.status).as(job.err).isZero();

        Map<String, List<String>> events = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                CommittedReader.readAll(topics.flowEvents(), kafka.clientConfig(), 1, Duration.ofSeconds(20))) {
            FlowEvent f = FlowEvent.getDecoder().decode(r.value());
            events.computeIfAbsent(f.getHost(), h -> new ArrayList<>())
                    .add(OracleFormat.event(FlowEvents.toConnEvent(f)));
        }
        Map<String, Map<String, TableEntry>> tables = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                CommittedReader.readAll(topics.table(), kafka.clientConfig(), 1, Duration.ofSeconds(20))) {
            String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (r.value() == null) {
                tables.values().forEach(t -> t.remove(key));
            } else {
                TableEntry t = TableEntry.getDecoder().decode(r.value());
                tables.computeIfAbsent(t.getHost(), h -> new LinkedHashMap<>()).put(key, t);
            }
        }

        List<String> disagreements = new ArrayList<>();
        for (Path pcap : recordings) {
            String host = HookRecordings.name(pcap);
            KernelReference k = KernelReference.beside(pcap);
            Set<Integer> configured = HookRecordings.configuredTimeouts(pcap);
            Map<String, List<String>> theirs = new TreeMap<>(OracleReplay.byFlow(k.events().stream()
                    .map(l -> HookRecordings.snap(l, configured))
                    .toList()));
            Map<String, List<String>> ours =
                    new TreeMap<>(OracleReplay.byFlow(events.getOrDefault(host, List.of()).stream()
                            .map(l -> HookRecordings.snap(l, configured))
                            .toList()));
            long end = FlinkReplay.Hooks.beside(pcap).endNanos();
            List<String> table = new ArrayList<>();
            for (TableEntry t : tables.getOrDefault(host, Map.of()).values()) {
                table.add(HookRecordings.snap(OracleFormat.entry(TableEntries.toDumpedEntry(t, end)), configured));
            }
            table.sort(null);
            List<String> theirTable = k.sortedTable().stream()
                    .map(l -> HookRecordings.snap(l, configured))
                    .sorted()
                    .toList();
            StringBuilder why = new StringBuilder();
            for (String flow : new java.util.TreeSet<>(union(theirs.keySet(), ours.keySet()))) {
                if (!java.util.Objects.equals(theirs.get(flow), ours.get(flow))) {
                    why.append("\n  flow ")
                            .append(flow)
                            .append("\n    kernel ")
                            .append(theirs.get(flow))
                            .append("\n    ours   ")
                            .append(ours.get(flow));
                }
            }
            if (!table.equals(theirTable)) {
                why.append("\n  kernel table ")
                        .append(theirTable)
                        .append("\n  our table    ")
                        .append(table);
            }
            if (why.length() > 0) {
                disagreements.add(host + why);
            }
        }
        assertThat(disagreements)
                .as("hosts whose events or table differ from their kernel's")
                .isEmpty();
        assertThat(CommittedReader.readAll(topics.deadLetters(), kafka.clientConfig(), 0, Duration.ofSeconds(5)))
                .as("dead letters")
                .isEmpty();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
