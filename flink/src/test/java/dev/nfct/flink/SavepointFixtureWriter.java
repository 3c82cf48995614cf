package dev.nfct.flink;

import dev.nfct.avro.FlowEvent;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.flink.operator.PacketCtInfo;
import dev.nfct.flink.records.InputRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * Writes a savepoint fixture with the code it is compiled with, for {@link SavepointRestoreITCase}
 * to restore with every later version. Run it when the state format changes on purpose, into a new
 * folder named after the version, and keep the old folders:
 *
 * <pre>
 * mvn -q install -DskipTests
 * mvn -q -pl flink org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.nfct.flink.SavepointFixtureWriter \
 *     -Dexec.args=flink/src/test/resources/savepoints/VERSION
 * </pre>
 *
 * It runs part A of {@link SavepointFixture} on a local cluster with a source that never ends,
 * takes a canonical savepoint once part A is through, cancels, restores the savepoint to run part B
 * and writes the events of that second run beside the savepoint ({@code events-after-restore.txt}).
 */
public final class SavepointFixtureWriter {
    private SavepointFixtureWriter() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SavepointFixtureWriter OUT-DIR");
            System.exit(2);
        }
        Path out = Path.of(args[0]).toAbsolutePath();
        if (Files.exists(out)) {
            System.err.println(out + " exists; fixtures are written once and kept");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("nfct-savepoint");
        String savepoint = writeSavepoint(work);
        List<String> events = SavepointFixture.lines(SavepointRestoreITCase.restoreAndRunPartB(savepoint, "hashmap"));
        Files.createDirectories(out);
        Path target = out.resolve("savepoint");
        Files.move(Path.of(java.net.URI.create(savepoint)), target);
        Files.write(out.resolve("events-after-restore.txt"), events);
        System.err.println("wrote " + target + " and " + events.size() + " events after restore");
    }

    /** Runs part A with a source that stays open, and returns the savepoint's path. */
    private static String writeSavepoint(Path dir) throws Exception {
        Configuration conf = SavepointFixture.config();
        conf.set(ConntrackOptions.PACKET_CTINFO, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        List<InputRecord> partA = SavepointFixture.partA();
        DataStream<InputRecord> input = env.fromSource(
                        new NumberSequenceSource(0, Long.MAX_VALUE), WatermarkStrategy.noWatermarks(), "ticks")
                .uid("fixture-ticks")
                .flatMap(new EmitThenIdle())
                .returns(InputRecord.typeInfo())
                .uid("fixture-part-a")
                .assignTimestampsAndWatermarks(SavepointRestoreITCase.watermarks())
                .uid("fixture-watermarks-a");
        ConntrackJob.Outputs outputs = ConntrackJob.build(input, conf);
        InProcessSink<FlowEvent> flows = InProcessSink.create();
        InProcessSink<PacketCtInfo> ctinfo = InProcessSink.create();
        outputs.flowEvents.sinkTo(flows).uid("fixture-flows");
        outputs.packetCtinfo.sinkTo(ctinfo).uid("fixture-ctinfo");
        JobClient job = env.executeAsync("savepoint fixture: part A");
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            // Every observation of part A yields one ctinfo record once the operator has it.
            while (ctinfo.queue().size() < partA.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("part A not through after 60 s: "
                            + ctinfo.queue().size() + " of " + partA.size() + " packets");
                }
                Thread.sleep(50);
            }
            String path = job.triggerSavepoint(dir.toString(), SavepointFormatType.CANONICAL)
                    .get();
            System.err.println("part A gave " + flows.queue().size() + " events; savepoint " + path);
            return path;
        } finally {
            job.cancel().get();
            flows.release();
            ctinfo.release();
        }
    }

    /** Emits part A on the first ticks, then nothing (slowly), so the job stays up. */
    static final class EmitThenIdle extends RichFlatMapFunction<Long, InputRecord> {
        private static final long serialVersionUID = 1L;
        private transient List<InputRecord> records;

        @Override
        public void open(OpenContext context) throws IOException {
            records = SavepointFixture.partA();
        }

        @Override
        public void flatMap(Long tick, Collector<InputRecord> out) throws InterruptedException {
            if (tick < records.size()) {
                out.collect(records.get(tick.intValue()));
            } else {
                Thread.sleep(20);
            }
        }
    }
}
