package dev.nfct.flink.operator;

import dev.nfct.avro.DeadLetter;
import dev.nfct.flink.records.InputRecord;
import java.time.Duration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The step between the source and the keyed conntrack operator, at the source's parallelism (so
 * records keep their order): passes decoded packets on with their origin, sets undecodable input
 * aside, and broadcasts its hosts' times ({@link HostTimeBroadcast}) every {@code interval} of
 * wall time and at the end of a bounded input.
 */
public final class DecodeOperator extends AbstractStreamOperator<InputRecord>
        implements OneInputStreamOperator<InputRecord, InputRecord>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    /** Input records that could not even be decoded. */
    public static final OutputTag<DeadLetter> UNDECODABLE =
            new OutputTag<>("undecodable-input", new AvroTypeInfo<>(DeadLetter.class)) {};

    private final long intervalMs;
    private transient Counter undecodable;
    private transient HostTimeBroadcast broadcast;

    /** @param broadcastInterval how often to broadcast host times; 0 for never */
    public DecodeOperator(Duration broadcastInterval) {
        this.intervalMs = broadcastInterval.toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        undecodable = getMetricGroup().addGroup("conntrack").counter("undecodable_records");
        if (intervalMs > 0) {
            // This step's maximum parallelism is the conntrack operator's unless set apart.
            broadcast = new HostTimeBroadcast(getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks());
            scheduleBroadcast();
        }
    }

    private void scheduleBroadcast() {
        long at = getProcessingTimeService().getCurrentProcessingTime() + intervalMs;
        getProcessingTimeService().registerTimer(at, t -> {
            broadcast.flush(r -> output.collect(new StreamRecord<>(r)));
            scheduleBroadcast();
        });
    }

    @Override
    public void processElement(StreamRecord<InputRecord> element) {
        InputRecord r = element.getValue();
        if (r.packet != null) {
            output.collect(element);
            if (broadcast != null) {
                broadcast.observe(r.packet.getHost(), r.packet.getTimestampNs());
            }
        } else if (r.deadLetter != null) {
            undecodable.inc();
            output.collect(UNDECODABLE, new StreamRecord<>(r.deadLetter));
        }
    }

    /** The hosts' last times reach every subtask before the input ends. */
    @Override
    public void endInput() {
        if (broadcast != null) {
            broadcast.flush(r -> output.collect(new StreamRecord<>(r)));
        }
    }
}
