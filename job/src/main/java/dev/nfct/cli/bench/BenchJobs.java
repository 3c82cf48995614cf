package dev.nfct.cli.bench;

import dev.nfct.avro.PacketEvent;
import dev.nfct.core.Packet;
import dev.nfct.flink.ConntrackJob;
import dev.nfct.flink.KafkaConntrackJob;
import dev.nfct.flink.KafkaJobOptions;
import dev.nfct.flink.format.ValueEncoder;
import dev.nfct.flink.format.ValueFormat;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.flink.operator.DecodeOperator;
import dev.nfct.flink.operator.PacketKeySelector;
import dev.nfct.flink.records.InputRecord;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The jobs the benchmark compares, each built on an environment the caller runs:
 *
 * <ul>
 *   <li>{@link #conntrackInMemory}: generated packets, the conntrack job as it is, discarding sinks;
 *   <li>{@link #countInMemory}: the same packets keyed the same way, only counted per key;
 *   <li>{@link #conntrackKafka}: the whole Kafka job as deployed (exactly once);
 *   <li>{@link #passthroughKafka}: the same source, decode, Avro encoding and exactly-once sink,
 *       with no conntrack in between.
 * </ul>
 *
 * The in-memory jobs note when their measured part starts and when they finish in {@link Clock},
 * which works because the benchmark runs them on a local cluster in its own JVM.
 */
final class BenchJobs {
    private BenchJobs() {}

    /** When the last stream passed its warm-up, and when the last sink finished (System.nanoTime). */
    static final class Clock {
        static final AtomicLong WARMED_UP = new AtomicLong();
        static final AtomicLong FINISHED = new AtomicLong();

        static void reset() {
            WARMED_UP.set(0);
            FINISHED.set(0);
        }

        private Clock() {}
    }

    /** The workload's packets as input records, one stream per source subtask. */
    static DataStream<InputRecord> generated(StreamExecutionEnvironment env, Workload w) {
        return env.fromSequence(0, w.packets() - 1)
                .map(new Generate(w))
                .returns(InputRecord.typeInfo())
                .name("generate")
                .uid("generate");
    }

    static void conntrackInMemory(StreamExecutionEnvironment env, Workload w, Configuration config) {
        ConntrackJob.build(generated(env, w), config)
                .sinkTo(new TimedDiscard<>(), new TimedDiscard<>(), new TimedDiscard<>());
    }

    static void countInMemory(StreamExecutionEnvironment env, Workload w) {
        generated(env, w)
                .keyBy(new PacketKeySelector())
                .process(new CountPerKey())
                .name("count")
                .uid("count")
                .sinkTo(new TimedDiscard<>());
    }

    static void conntrackKafka(StreamExecutionEnvironment env, Configuration config) {
        KafkaConntrackJob.addTo(env, config);
    }

    /** Kafka in, decode, Avro out to {@code topic}, exactly once: all the job does but conntrack. */
    static void passthroughKafka(StreamExecutionEnvironment env, Configuration config, String topic) {
        DataStream<InputRecord> input =
                env.fromSource(KafkaConntrackJob.source(config), WatermarkStrategy.noWatermarks(), "packets");
        input.transform(
                        "decode",
                        InputRecord.typeInfo(),
                        new DecodeOperator(config.get(ConntrackOptions.HOST_TIME_BROADCAST)))
                .map(r -> r.packet)
                .returns(new AvroTypeInfo<>(PacketEvent.class))
                .filter(p -> p != null)
                .sinkTo(KafkaConntrackJob.sink(
                        config, "passthrough", new PacketOut(topic, KafkaJobOptions.valueFormat(config))));
    }

    /** Index to packet, noting the time its stream's warm-up ends. */
    private static final class Generate extends RichMapFunction<Long, InputRecord> {
        private static final long serialVersionUID = 1L;
        private final Workload w;
        private transient Packet scratch;
        /** Packets per stream, and the index within its stream where a stream's measured part starts. */
        private transient long perStream;

        private transient long warmupIndex;

        Generate(Workload w) {
            this.w = w;
        }

        @Override
        public void open(OpenContext ctx) {
            scratch = new Packet();
            perStream = (w.packets() + w.streams() - 1) / w.streams();
            warmupIndex = w.warmup() / w.streams();
        }

        @Override
        public InputRecord map(Long i) {
            if (i % perStream == warmupIndex) {
                Clock.WARMED_UP.accumulateAndGet(System.nanoTime(), Math::max);
            }
            return InputRecord.packet(w.packet(i, scratch));
        }
    }

    /** Counts packets per key in keyed state, and emits nothing. */
    private static final class CountPerKey extends KeyedProcessFunction<Long, InputRecord, Long> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext ctx) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(InputRecord r, Context ctx, Collector<Long> out) throws Exception {
            Long c = count.value();
            count.update(c == null ? 1L : c + 1);
        }
    }

    /** Discards everything; notes when input ended. */
    static final class TimedDiscard<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context c) {}

                @Override
                public void flush(boolean endOfInput) {
                    if (endOfInput) {
                        Clock.FINISHED.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                }

                @Override
                public void close() {}
            };
        }
    }

    /** Packet records to a topic, keyed as the flow events are. */
    private static final class PacketOut implements KafkaRecordSerializationSchema<PacketEvent> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final ValueEncoder<PacketEvent> values;

        PacketOut(String topic, ValueFormat format) {
            this.topic = topic;
            this.values = format.encoder(PacketEvent.class);
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            values.open(context);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(PacketEvent e, KafkaSinkContext context, Long timestamp) {
            byte[] key = e.getHost().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return new ProducerRecord<>(topic, null, null, key, values.encode(topic, e));
        }
    }
}
