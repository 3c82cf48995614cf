package dev.nfct.flink.format;

import java.io.Serializable;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * The job's choice of value format, for every topic: {@link WireFormat#SINGLE_OBJECT} (no registry)
 * or {@link WireFormat#REGISTRY} with its {@link RegistrySettings}. Makes the encoders and decoders
 * of the sink serializers and the source deserializer.
 */
public final class ValueFormat implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final ValueFormat SINGLE_OBJECT = new ValueFormat(WireFormat.SINGLE_OBJECT, null);

    private final WireFormat wireFormat;
    private final RegistrySettings registry;

    private ValueFormat(WireFormat wireFormat, RegistrySettings registry) {
        this.wireFormat = wireFormat;
        this.registry = registry;
    }

    public static ValueFormat singleObject() {
        return SINGLE_OBJECT;
    }

    public static ValueFormat registry(RegistrySettings settings) {
        return new ValueFormat(WireFormat.REGISTRY, Objects.requireNonNull(settings, "registry settings"));
    }

    public WireFormat wireFormat() {
        return wireFormat;
    }

    /** The registry settings; null for {@link WireFormat#SINGLE_OBJECT}. */
    public RegistrySettings registrySettings() {
        return registry;
    }

    public <T extends SpecificRecordBase> ValueEncoder<T> encoder(Class<T> recordClass) {
        return wireFormat == WireFormat.REGISTRY
                ? new RegistryValueEncoder<>(recordClass, registry)
                : new SingleObjectEncoder<>(recordClass);
    }

    public <T extends SpecificRecordBase> ValueDecoder<T> decoder(Class<T> recordClass) {
        return wireFormat == WireFormat.REGISTRY
                ? new RegistryValueDecoder<>(recordClass, registry)
                : new SingleObjectDecoder<>(recordClass);
    }

    @Override
    public String toString() {
        return wireFormat == WireFormat.REGISTRY ? registry.toString() : "Avro single-object encoding";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueFormat f && wireFormat == f.wireFormat && Objects.equals(registry, f.registry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(wireFormat, registry);
    }

    /** {@link AvroSingleObjectSerializer} as a {@link ValueEncoder} (the topic plays no part). */
    static final class SingleObjectEncoder<T extends SpecificRecordBase> implements ValueEncoder<T> {
        private static final long serialVersionUID = 1L;
        private final AvroSingleObjectSerializer<T> serializer;

        SingleObjectEncoder(Class<T> recordClass) {
            serializer = new AvroSingleObjectSerializer<>(recordClass);
        }

        @Override
        public void open(SerializationSchema.InitializationContext context) {
            serializer.open(context);
        }

        @Override
        public byte[] encode(String topic, T record) {
            return serializer.serialize(record);
        }
    }

    /** {@link AvroSingleObjectDeserializer} as a {@link ValueDecoder} (the topic plays no part). */
    static final class SingleObjectDecoder<T extends SpecificRecordBase> implements ValueDecoder<T> {
        private static final long serialVersionUID = 1L;
        private final AvroSingleObjectDeserializer<T> deserializer;

        SingleObjectDecoder(Class<T> recordClass) {
            deserializer = new AvroSingleObjectDeserializer<>(recordClass);
        }

        @Override
        public void open(DeserializationSchema.InitializationContext context) {
            deserializer.open(context);
        }

        @Override
        public T decodeOrNull(String topic, byte[] value, StringBuilder reasonOut) {
            return deserializer.decodeOrNull(value, reasonOut);
        }
    }
}
