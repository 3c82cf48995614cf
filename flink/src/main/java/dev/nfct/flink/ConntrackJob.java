package dev.nfct.flink;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.FlowEvent;
import dev.nfct.flink.operator.ConntrackOperator;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.flink.operator.DecodeOperator;
import dev.nfct.flink.operator.PacketCtInfo;
import dev.nfct.flink.operator.PacketKeySelector;
import dev.nfct.flink.records.InputRecord;
import dev.nfct.flink.records.TableUpdate;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The job graph, with its sources and sinks passed in so that tests and the embedded demo can swap
 * them: input records -> (dead letters aside) -> key by flow -> conntrack -> flow events, table
 * updates and dead letters.
 */
public final class ConntrackJob {
    private ConntrackJob() {}

    /** The streams the job produces, for the caller to send wherever it wants. */
    public static final class Outputs {
        public final DataStream<FlowEvent> flowEvents;
        public final DataStream<TableUpdate> tableUpdates;
        public final DataStream<DeadLetter> deadLetters;
        /** Every packet's ct state; empty unless {@link ConntrackOptions#PACKET_CTINFO} is on. */
        public final DataStream<PacketCtInfo> packetCtinfo;

        Outputs(
                DataStream<FlowEvent> flowEvents,
                DataStream<TableUpdate> tableUpdates,
                DataStream<DeadLetter> deadLetters,
                DataStream<PacketCtInfo> packetCtinfo) {
            this.flowEvents = flowEvents;
            this.tableUpdates = tableUpdates;
            this.deadLetters = deadLetters;
            this.packetCtinfo = packetCtinfo;
        }

        /** Attaches one sink per output (a null sink leaves that output unused). */
        public void sinkTo(Sink<FlowEvent> flows, Sink<TableUpdate> table, Sink<DeadLetter> dead) {
            if (flows != null) {
                flowEvents.sinkTo(flows).name("flow-events").uid("flow-events-sink");
            }
            if (table != null) {
                tableUpdates.sinkTo(table).name("table").uid("table-sink");
            }
            if (dead != null) {
                deadLetters.sinkTo(dead).name("dead-letters").uid("dead-letters-sink");
            }
        }
    }

    /**
     * Builds everything after the source. It also turns off Flink's fallback to Kryo for the whole
     * job: every record type here has its own serializer (Avro, POJO, primitives), and a type that
     * would silently fall back to Kryo (slow, and unreadable after a class change) fails the job
     * at submission instead.
     */
    public static Outputs build(DataStream<InputRecord> input, ReadableConfig config) {
        Configuration noKryo = new Configuration();
        noKryo.set(PipelineOptions.GENERIC_TYPES, false);
        input.getExecutionEnvironment().configure(noKryo);
        // Same parallelism as the source, so records move forward without a rebalance: a
        // round-robin hop here would reorder a flow's packets before they are keyed.
        SingleOutputStreamOperator<InputRecord> packets = input.transform(
                        "decode",
                        InputRecord.typeInfo(),
                        new DecodeOperator(config.get(ConntrackOptions.HOST_TIME_BROADCAST)))
                .setParallelism(input.getParallelism())
                .name("decode")
                .uid("decode");
        // Each host's packets are judged by its own clock inside the operator: no watermarks.
        SingleOutputStreamOperator<FlowEvent> flows = packets.keyBy(new PacketKeySelector())
                .transform("conntrack", new AvroTypeInfo<>(FlowEvent.class), operator(config))
                .uid("conntrack");
        DataStream<DeadLetter> dead = packets.getSideOutput(DecodeOperator.UNDECODABLE)
                .union(flows.getSideOutput(ConntrackOperator.DEAD_LETTERS));
        return new Outputs(
                flows,
                flows.getSideOutput(ConntrackOperator.TABLE),
                dead,
                flows.getSideOutput(ConntrackOperator.CTINFO));
    }

    /** The conntrack operator as {@code config} sets it up. */
    public static ConntrackOperator operator(ReadableConfig config) {
        return new ConntrackOperator(
                ConntrackOptions.sysctls(config),
                config.get(ConntrackOptions.PENDING_TIMEOUT).toNanos(),
                config.get(ConntrackOptions.OUT_OF_ORDERNESS).toNanos(),
                config.get(ConntrackOptions.TABLE_UPDATES),
                config.get(ConntrackOptions.PACKET_CTINFO));
    }
}
