package dev.nfct.flink.records;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.PacketEvent;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * What the packet source yields: a decoded packet record, or a dead letter for bytes that could not
 * be decoded (so a bad record never fails the job), or between the job's own steps a broadcast of
 * host times. Exactly one of the three is set. The record's
 * origin on Kafka rides along, so that a packet the operator cannot use still becomes a dead letter
 * that says where it came from. Serialized by {@link InputRecordSerializer}.
 */
public class InputRecord {
    public PacketEvent packet;
    public DeadLetter deadLetter;
    /** Topic, partition and offset of the Kafka record; null, -1, -1 when it did not come from Kafka. */
    public String topic;

    public int partition = -1;
    public long offset = -1;
    /** The Kafka record's timestamp (ms), 0 when none. */
    public long timestampMs;
    /** The Kafka record's key, or null. */
    public byte[] key;
    /**
     * Set instead of {@link #packet} in the records that tell every conntrack subtask each host's
     * newest packet time (ns) on one source subtask; {@link #routingKey} takes them to their key group.
     */
    public Map<String, Long> hostTimes;

    public long routingKey;

    public InputRecord() {}

    public static InputRecord packet(PacketEvent p) {
        InputRecord r = new InputRecord();
        r.packet = p;
        return r;
    }

    public static InputRecord deadLetter(DeadLetter d) {
        InputRecord r = new InputRecord();
        r.deadLetter = d;
        return r;
    }

    /** A broadcast of host times, routed by {@code routingKey}. */
    public static InputRecord hostTimes(Map<String, Long> times, long routingKey) {
        InputRecord r = new InputRecord();
        r.hostTimes = times;
        r.routingKey = routingKey;
        return r;
    }

    /** Notes where the record came from; returns this. */
    public InputRecord from(String topic, int partition, long offset, long timestampMs, byte[] key) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestampMs = timestampMs;
        this.key = key;
        return this;
    }

    /**
     * Explicit type information: {@link InputRecordSerializer}, which writes packet records field
     * by field (never Kryo, and not Avro's reflection either).
     */
    public static TypeInformation<InputRecord> typeInfo() {
        return new InputRecordTypeInfo();
    }
}
