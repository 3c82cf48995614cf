package dev.nfct.flink.operator;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;

/**
 * Every operator test again with RocksDB, where each state access (de)serialises: proves the
 * entry serializers, the write-back of changed entries and the identity cache within an element.
 */
class ConntrackFunctionRocksDbTest extends ConntrackFunctionTest {
    @Override
    protected StateBackend stateBackend() {
        return new EmbeddedRocksDBStateBackend();
    }
}
