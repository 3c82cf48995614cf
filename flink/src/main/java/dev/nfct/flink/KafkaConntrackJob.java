package dev.nfct.flink;

import dev.nfct.flink.io.DeadLetterRecordSerializer;
import dev.nfct.flink.io.FlowEventRecordSerializer;
import dev.nfct.flink.io.InputRecord;
import dev.nfct.flink.io.PacketRecordDeserializer;
import dev.nfct.flink.io.TableUpdateRecordSerializer;
import dev.nfct.flink.registry.RegistrySettings;
import dev.nfct.flink.registry.ValueFormat;
import dev.nfct.flink.registry.WireFormat;
import dev.nfct.flink.io.Topics;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The job wired to Kafka: packet records in, flow events, table updates and dead letters out,
 * exactly once (transactional sinks committed with checkpoints; read the outputs with
 * {@code isolation.level=read_committed}).
 */
public final class KafkaConntrackJob {
    private KafkaConntrackJob() {
    }

    /** Where and how to connect. */
    public static final class Options {
        public String bootstrapServers = "localhost:9092";
        public Topics topics = Topics.defaults();
        public String groupId = "nfct-conntrack";
        /** Read only what is in the topic when the job starts, then finish (the demo's --once). */
        public boolean bounded;
        /** Start from the earliest offsets (otherwise from the group's committed ones, else earliest). */
        public boolean fromEarliest = true;
        public Duration outOfOrderness = Duration.ofSeconds(2);
        public Duration idleness = Duration.ofSeconds(5);
        /** Prefix of the sinks' transactional ids; must differ between jobs writing to one cluster. */
        public String transactionalIdPrefix = "nfct-conntrack";
        public Properties extraKafka = new Properties();
        /** Commit the source's offsets to the consumer group at checkpoints (monitoring, restarts without state). */
        public boolean commitOffsets = true;

        /** How values are framed on every topic: single-object encoding (no registry) by default. */
        public WireFormat wireFormat = WireFormat.SINGLE_OBJECT;
        /** {@link WireFormat#REGISTRY}: the registry's Core API URL, e.g. http://registry:8080/apis/registry/v3. */
        public String registryUrl;
        /**
         * {@link WireFormat#REGISTRY}: Confluent's framing, 00 + 4-byte content id (the default, and
         * Apicurio 3's), or Apicurio's legacy 00 + 8-byte global id.
         */
        public boolean registryConfluentCompatible = true;
        /** {@link WireFormat#REGISTRY}: the sinks register their schemas on first use. */
        public boolean registryAutoRegister = true;
        /** {@link WireFormat#REGISTRY}: more Apicurio serde settings (apicurio.registry.*: auth, TLS...). */
        public Map<String, String> registryProperties = new HashMap<>();

        /** The value format these options describe. */
        public ValueFormat valueFormat() {
            if (wireFormat == WireFormat.REGISTRY) {
                return ValueFormat.registry(new RegistrySettings(registryUrl, registryConfluentCompatible,
                        registryAutoRegister, registryProperties));
            }
            return ValueFormat.singleObject();
        }
    }

    /** Adds the whole pipeline to {@code env}. */
    public static void addTo(StreamExecutionEnvironment env, Options o) {
        ValueFormat format = o.valueFormat();
        KafkaSource<InputRecord> source = source(o);
        DataStream<InputRecord> input = env.fromSource(source,
                ConntrackJob.watermarks(o.outOfOrderness, o.idleness), "packets").uid("packets-source");
        ConntrackJob.build(input, env.getConfiguration()).sinkTo(
                sink(o, "flows", new FlowEventRecordSerializer(o.topics.flowEvents(), format)),
                sink(o, "table", new TableUpdateRecordSerializer(o.topics.table(), format)),
                sink(o, "dead", new DeadLetterRecordSerializer(o.topics.deadLetters(), format)));
    }

    public static KafkaSource<InputRecord> source(Options o) {
        var b = KafkaSource.<InputRecord>builder()
                .setBootstrapServers(o.bootstrapServers)
                .setTopics(o.topics.packets())
                .setGroupId(o.groupId)
                .setDeserializer(new PacketRecordDeserializer(o.valueFormat()))
                .setProperties(o.extraKafka)
                .setProperty("commit.offsets.on.checkpoint", Boolean.toString(o.commitOffsets));
        b.setStartingOffsets(o.fromEarliest ? OffsetsInitializer.earliest()
                : OffsetsInitializer.committedOffsets(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST));
        if (o.bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    static <T> KafkaSink<T> sink(Options o, String name, KafkaRecordSerializationSchema<T> schema) {
        Properties p = new Properties();
        p.putAll(o.extraKafka);
        // The broker's default transaction.max.timeout.ms is 15 minutes; the sink's default (1 h) exceeds it.
        p.putIfAbsent("transaction.timeout.ms", "900000");
        return KafkaSink.<T>builder()
                .setBootstrapServers(o.bootstrapServers)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(o.transactionalIdPrefix + "-" + name)
                .setKafkaProducerConfig(p)
                .build();
    }
}
