package dev.nfct.flink;

import dev.nfct.flink.format.ValueFormat;
import dev.nfct.flink.io.DeadLetterRecordSerializer;
import dev.nfct.flink.io.FlowEventRecordSerializer;
import dev.nfct.flink.io.PacketRecordDeserializer;
import dev.nfct.flink.io.TableUpdateRecordSerializer;
import dev.nfct.flink.io.Topics;
import dev.nfct.flink.records.InputRecord;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The job wired to Kafka: packet records in, flow events, table updates and dead letters out,
 * exactly once (transactional sinks committed with checkpoints; read the outputs with
 * {@code isolation.level=read_committed}). Everything it needs to know is a Flink option
 * ({@link KafkaJobOptions}, {@link dev.nfct.flink.operator.ConntrackOptions}).
 */
public final class KafkaConntrackJob {
    private KafkaConntrackJob() {}

    /** Adds the whole pipeline to {@code env}, configured by {@code config}. */
    public static void addTo(StreamExecutionEnvironment env, ReadableConfig config) {
        KafkaJobOptions.validate(config);
        ValueFormat format = KafkaJobOptions.valueFormat(config);
        Topics topics = KafkaJobOptions.topics(config);
        // No watermarks: a partition carries many hosts, and each is judged by its own clock in
        // the conntrack operator (a watermark would be one clock for all of them).
        DataStream<InputRecord> input = env.fromSource(source(config), WatermarkStrategy.noWatermarks(), "packets")
                .uid("packets-source");
        ConntrackJob.build(input, config)
                .sinkTo(
                        sink(config, "flows", new FlowEventRecordSerializer(topics.flowEvents(), format)),
                        sink(config, "table", new TableUpdateRecordSerializer(topics.table(), format)),
                        sink(config, "dead", new DeadLetterRecordSerializer(topics.deadLetters(), format)));
    }

    // The connector takes a reset strategy for committed offsets only as Kafka's deprecated
    // OffsetResetStrategy (flink-connector-kafka 5.0.0-2.2 has no overload for its replacement).
    @SuppressWarnings("deprecation")
    public static KafkaSource<InputRecord> source(ReadableConfig config) {
        var b = KafkaSource.<InputRecord>builder()
                .setBootstrapServers(KafkaJobOptions.bootstrapServers(config))
                .setTopics(KafkaJobOptions.topics(config).packets())
                .setGroupId(config.get(KafkaJobOptions.GROUP_ID))
                .setDeserializer(new PacketRecordDeserializer(KafkaJobOptions.valueFormat(config)))
                .setProperties(KafkaJobOptions.kafkaProperties(config))
                .setProperty(
                        "commit.offsets.on.checkpoint", Boolean.toString(config.get(KafkaJobOptions.COMMIT_OFFSETS)));
        b.setStartingOffsets(
                config.get(KafkaJobOptions.STARTING_OFFSETS) == KafkaJobOptions.StartingOffsets.EARLIEST
                        ? OffsetsInitializer.earliest()
                        : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        if (config.get(KafkaJobOptions.BOUNDED)) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /** An exactly-once sink as the job's own: {@code name} sets its transactional id apart. */
    public static <T> KafkaSink<T> sink(ReadableConfig config, String name, KafkaRecordSerializationSchema<T> schema) {
        Properties p = KafkaJobOptions.kafkaProperties(config);
        // The broker's default transaction.max.timeout.ms is 15 minutes; the sink's default (1 h) exceeds it.
        p.putIfAbsent("transaction.timeout.ms", "900000");
        return KafkaSink.<T>builder()
                .setBootstrapServers(KafkaJobOptions.bootstrapServers(config))
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(KafkaJobOptions.transactionalIdPrefix(config) + "-" + name)
                .setKafkaProducerConfig(p)
                .build();
    }
}
