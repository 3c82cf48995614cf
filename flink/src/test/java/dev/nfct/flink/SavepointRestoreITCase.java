package dev.nfct.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.FlowEvent;
import dev.nfct.flink.records.InputRecord;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * State written by an earlier version restores: each folder under {@code savepoints/} in the test
 * resources is a canonical savepoint taken by {@link SavepointFixtureWriter} with the version it is
 * named after, and the events that version gave after restoring it. The job of today restores it,
 * into either state backend, and must give the same events, field for field: the table's entries,
 * the pending entry and the timers all came through.
 */
class SavepointRestoreITCase {
    /** Written by the single-module build of 0.1.0 (commit 09e0f83, the engine and job of 74ca1ba), before the module split. */
    private static final String V0_1 = "0.1";

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    @ParameterizedTest(name = "into {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theSavepointOfVersion01RestoresWithTheSameEvents(String backend) throws Exception {
        Path fixture = fixture(V0_1);
        List<String> expected = Files.readAllLines(fixture.resolve("events-after-restore.txt"));
        List<String> got = SavepointFixture.lines(
                restoreAndRunPartB(fixture.resolve("savepoint").toString(), backend));
        for (String line : got) {
            if (line.contains("\"type\": \"DESTROY\"")) {
                assertThat(field(line, "timestampNs")).as(line).isEqualTo(field(line, "stopNs"));
            }
        }
        assertThat(byFlow(got)).isEqualTo(byFlow(stampedAtDeadline(expected)));
    }

    /**
     * Two things changed on purpose since 0.1, and neither is state: a DESTROY is stamped with
     * its entry's deadline (0.1 stamped it with the Flink timer that found it, rounded up to the
     * millisecond, or later), and flows expire in their host's deadline order (0.1: in timer order
     * over all keys). So the 0.1 events are compared flow by flow, every field, in each flow's
     * order, with 0.1's DESTROY stamps read as the deadlines they stand for.
     */
    private static List<String> stampedAtDeadline(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add(
                    line.contains("\"type\": \"DESTROY\"")
                            ? line.replaceFirst("\"timestampNs\": \\d+", "\"timestampNs\": " + field(line, "stopNs"))
                            : line);
        }
        return out;
    }

    /** Events grouped by flow (host and original tuple), each flow's in their order. */
    private static java.util.Map<String, List<String>> byFlow(List<String> lines) {
        java.util.Map<String, List<String>> flows = new java.util.TreeMap<>();
        for (String line : lines) {
            int from = line.indexOf("\"orig\": ");
            String flow = line.substring(from, line.indexOf('}', from) + 1);
            flows.computeIfAbsent(flow, k -> new ArrayList<>()).add(line);
        }
        return flows;
    }

    private static long field(String line, String name) {
        var m = java.util.regex.Pattern.compile("\"" + name + "\": (\\d+)").matcher(line);
        assertThat(m.find()).as(name + " in " + line).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** The comparison above would catch a restore that lost state: without it, part B gives other events. */
    @Test
    void partBAloneGivesOtherEvents() throws Exception {
        List<String> expected = Files.readAllLines(fixture(V0_1).resolve("events-after-restore.txt"));
        assertThat(SavepointFixture.lines(restoreAndRunPartB(null, "hashmap"))).isNotEqualTo(expected);
    }

    /** Runs part B, from {@code savepoint} if not null, and returns its flow events in order. */
    static List<FlowEvent> restoreAndRunPartB(String savepoint, String backend) throws Exception {
        Configuration conf = SavepointFixture.config();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            // part A's source and its companions are not in this graph
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        var input = env.fromData(SavepointFixture.partB(), InputRecord.typeInfo())
                .uid("fixture-part-b")
                .assignTimestampsAndWatermarks(watermarks())
                .uid("fixture-watermarks-b");
        InProcessSink<FlowEvent> flows = InProcessSink.create();
        try {
            ConntrackJob.build(input, conf).flowEvents.sinkTo(flows).uid("fixture-flows");
            env.execute("savepoint fixture: part B");
            return new ArrayList<>(flows.queue());
        } finally {
            flows.release();
        }
    }

    /**
     * Both parts: the packets' own times, in order, with a watermark after every packet (a
     * periodic one would never be sent for the last packets of a bounded input, whose end brings
     * the final watermark, at which the job lets entries live).
     */
    static WatermarkStrategy<InputRecord> watermarks() {
        return WatermarkStrategy.<InputRecord>forGenerator(c -> new WatermarkGenerator<>() {
                    @Override
                    public void onEvent(InputRecord r, long timestampMs, WatermarkOutput out) {
                        out.emitWatermark(new Watermark(timestampMs - 1));
                    }

                    @Override
                    public void onPeriodicEmit(WatermarkOutput out) {}
                })
                .withTimestampAssigner((r, ts) -> r.packet.getTimestampNs() / 1_000_000L);
    }

    private static Path fixture(String version) throws Exception {
        URL url = SavepointRestoreITCase.class.getClassLoader().getResource(SavepointFixture.RESOURCES + "/" + version);
        assertThat(url).as("savepoint fixture " + version).isNotNull();
        return Path.of(url.toURI());
    }
}
