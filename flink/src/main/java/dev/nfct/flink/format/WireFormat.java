package dev.nfct.flink.format;

/**
 * How record values are framed on Kafka. The body is Avro binary either way; the framing says which
 * schema wrote it.
 */
public enum WireFormat {
    /**
     * Avro single-object encoding: {@code C3 01}, the schema's 8-byte CRC-64-AVRO fingerprint, the
     * body. Needs no registry: every reader knows the schemas (schemas/*.avsc). The default.
     */
    SINGLE_OBJECT,
    /**
     * A schema registry through Apicurio's serdes: magic byte {@code 00}, a registry id, the body.
     * {@link RegistrySettings} says which registry and which id framing (Confluent's 4-byte
     * content id, or Apicurio's legacy 8-byte global id).
     */
    REGISTRY
}
