package dev.nfct.flink.format;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The header of Avro's single-object encoding: {@code C3 01}, then the schema's CRC-64-AVRO
 * fingerprint (of its Parsing Canonical Form) as 8 little-endian bytes, then the plain binary body.
 * The header lets a reader tell which schema wrote a message without a registry, and lets the job
 * reject anything that is not one of our records before decoding a single field.
 */
final class SingleObject {
    static final int MARKER_0 = 0xC3, MARKER_1 = 0x01;
    static final int HEADER_LENGTH = 10;

    private SingleObject() {}

    /** The schema of a generated record class, as its own model (with its conversions) knows it. */
    static Schema schemaOf(Class<? extends SpecificRecordBase> clazz) {
        return SpecificData.getForClass(clazz).getSchema(clazz);
    }

    static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** The 10 header bytes for a schema's fingerprint. */
    static byte[] header(long fingerprint) {
        byte[] h = new byte[HEADER_LENGTH];
        h[0] = (byte) MARKER_0;
        h[1] = (byte) MARKER_1;
        for (int i = 0; i < 8; i++) {
            h[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return h;
    }

    /** The fingerprint in a message that starts with the marker and holds at least the header. */
    static long readFingerprint(byte[] message) {
        long f = 0;
        for (int i = 7; i >= 0; i--) {
            f = f << 8 | (message[2 + i] & 0xffL);
        }
        return f;
    }

    static String hex(long fingerprint) {
        return String.format("%016x", fingerprint);
    }
}
