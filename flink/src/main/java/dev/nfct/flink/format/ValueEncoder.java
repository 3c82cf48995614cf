package dev.nfct.flink.format;

import java.io.Serializable;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Writes one record type as Kafka record values, in one {@link WireFormat}. Serialized with the job
 * graph; {@link #open} (or the first {@link #encode}) builds what it needs on the task.
 */
public interface ValueEncoder<T extends SpecificRecordBase> extends Serializable {
    /** @param context may be null (outside Flink) */
    void open(SerializationSchema.InitializationContext context);

    /** The value bytes for {@code record} on {@code topic}; a fresh array the caller owns. */
    byte[] encode(String topic, T record);
}
