package dev.nfct.flink.records;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** The type of {@link InputRecord}, serialized by {@link InputRecordSerializer}. */
public final class InputRecordTypeInfo extends TypeInformation<InputRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<InputRecord> getTypeClass() {
        return InputRecord.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<InputRecord> createSerializer(SerializerConfig config) {
        return new InputRecordSerializer();
    }

    @Override
    public String toString() {
        return "InputRecord";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputRecordTypeInfo;
    }

    @Override
    public int hashCode() {
        return InputRecordTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof InputRecordTypeInfo;
    }
}
