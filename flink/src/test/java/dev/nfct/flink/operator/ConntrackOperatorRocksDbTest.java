package dev.nfct.flink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

/**
 * Every operator test again with RocksDB, where each state access (de)serialises: proves the
 * entry serializers, the write-back of changed entries and the identity cache within an element.
 */
class ConntrackOperatorRocksDbTest extends ConntrackOperatorTest {
    @Override
    protected StateBackend stateBackend() {
        return new EmbeddedRocksDBStateBackend();
    }

    @Test
    void theOperatorReallyKeepsItsStateInRocksDb() {
        assertThat(h.getOperator().getKeyedStateBackend().getClass().getSimpleName())
                .contains("RocksDB");
    }
}
