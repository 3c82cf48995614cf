package dev.nfct.flink.format;

import java.io.IOException;
import java.io.Serializable;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;

/**
 * Reads Kafka record values of one record type, in one {@link WireFormat}, without trusting them:
 * bytes that are not a record of that type give null and a reason (for the dead-letter topic).
 */
public interface ValueDecoder<T extends SpecificRecordBase> extends Serializable {
    /** @param context may be null (outside Flink) */
    void open(DeserializationSchema.InitializationContext context);

    /**
     * The record in {@code value}, or null with {@code reasonOut} (may be null) replaced by why.
     * Never throws for bad input.
     *
     * @throws IOException when it cannot tell: the schema registry did not answer (unreachable,
     *                     5xx). A registry outage must not send good records to the dead letters;
     *                     the task fails and Flink retries from the last checkpoint.
     */
    T decodeOrNull(String topic, byte[] value, StringBuilder reasonOut) throws IOException;
}
