package dev.nfct.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.flink.records.InputRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * No type in the job falls back to Kryo: the job turns Flink's fallback off, and its whole graph,
 * the Kafka job's included, is built with it off (serializers are made as the graph is built). A
 * generic type added to such a graph fails at once.
 */
class NoKryoTest {
    private static StreamExecutionEnvironment env() {
        return StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
    }

    @Test
    void theWholeKafkaJobBuildsWithoutAGenericType() {
        StreamExecutionEnvironment env = env();
        Configuration c = new Configuration();
        c.set(KafkaJobOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9");
        c.set(ConntrackOptions.TABLE_UPDATES, dev.nfct.flink.operator.TableUpdates.PACKETS);
        KafkaConntrackJob.addTo(env, c);
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled())
                .isTrue();
        assertThat(env.getStreamGraph().getStreamNodes()).hasSizeGreaterThan(4);
    }

    @Test
    void everyOutputOfTheJobHasASerializerOfItsOwn() {
        StreamExecutionEnvironment env = env();
        Configuration c = new Configuration();
        c.set(ConntrackOptions.PACKET_CTINFO, true);
        c.set(ConntrackOptions.TABLE_UPDATES, dev.nfct.flink.operator.TableUpdates.PACKETS);
        ConntrackJob.Outputs out = ConntrackJob.build(
                env.fromSequence(0, 1).map(i -> new InputRecord()).returns(InputRecord.typeInfo()), c);
        out.sinkTo(new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>());
        out.packetCtinfo.sinkTo(new DiscardingSink<>());
        assertThat(env.getStreamGraph().getStreamNodes()).hasSizeGreaterThan(5);
    }

    @Test
    void aGenericTypeInTheJobFailsTheGraph() {
        StreamExecutionEnvironment env = env();
        DataStream<InputRecord> input =
                env.fromSequence(0, 1).map(i -> new InputRecord()).returns(InputRecord.typeInfo());
        ConntrackJob.build(input, new Configuration());
        env.fromSequence(0, 1)
                .map(i -> new ArrayList<Long>(List.of(i)))
                .returns(TypeInformation.of(new org.apache.flink.api.common.typeinfo.TypeHint<ArrayList<Long>>() {}))
                .sinkTo(new DiscardingSink<>());
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled())
                .isTrue();
        assertThatThrownBy(env::getStreamGraph).hasStackTraceContaining("Generic types have been disabled");
    }
}
