package dev.nfct.flink.format;

import io.apicurio.registry.resolver.SchemaResolver;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Writes records with Apicurio's {@link AvroKafkaSerializer}: {@code 00}, the registry id of the
 * record's schema (4-byte content id or 8-byte global id, {@link RegistrySettings}), the Avro binary
 * body. The schema is registered on first use when auto-registration is on (artifact
 * {@code <topic>-<RecordName>}, group {@code dev.nfct.avro}, by default), else looked up by content.
 *
 * <p>A registry that cannot be reached, or refuses the schema, fails the sink (and the job restarts
 * from its last checkpoint): nothing can be written without an id.
 */
final class RegistryValueEncoder<T extends SpecificRecordBase> implements ValueEncoder<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> recordClass;
    private final RegistrySettings settings;
    private transient AvroKafkaSerializer<T> serializer;

    RegistryValueEncoder(Class<T> recordClass, RegistrySettings settings) {
        this.recordClass = recordClass;
        this.settings = settings;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context) {
        dev.nfct.schema.AvroCoders.useGenerated();
        Apicurio.shareVertx(context == null ? null : context.getUserCodeClassLoader());
        Map<String, Object> config = settings.serdeConfig();
        SchemaResolver<Schema, T> resolver = Apicurio.resolver(config);
        AvroKafkaSerializer<T> s = new AvroKafkaSerializer<>(new MemoizingSchemaResolver<>(resolver));
        s.configure(config, false);
        serializer = s;
    }

    @Override
    public byte[] encode(String topic, T record) {
        if (serializer == null) {
            open(null);
        }
        try {
            return serializer.serialize(topic, record);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot write " + recordClass.getSimpleName() + " to " + topic + " with " + settings + ": "
                            + Apicurio.rootMessage(e),
                    e);
        }
    }
}
