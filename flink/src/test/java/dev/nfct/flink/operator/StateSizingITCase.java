package dev.nfct.flink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sizing tool of docs/OPERATIONS.md keeps working; its figures come from larger runs. */
class StateSizingITCase {
    @Test
    void checkpointsGrowWithTheEntries() throws Exception {
        StateSizing.Sizes small = StateSizing.measure(2_000);
        StateSizing.Sizes larger = StateSizing.measure(8_000);
        assertThat(small.rocksDbCheckpointBytes()).isPositive();
        assertThat(larger.heapCheckpointBytes()).isGreaterThan(3 * small.heapCheckpointBytes());
        assertThat(larger.rocksDbCheckpointBytes()).isGreaterThan(small.rocksDbCheckpointBytes());
    }

    /** {@code -Dnfct.sizing.entries=1000000}: the figures of a run that size, on standard output. */
    @Test
    void measuresTheSizeAskedFor() throws Exception {
        String n = System.getProperty("nfct.sizing.entries");
        org.junit.jupiter.api.Assumptions.assumeTrue(n != null, "no -Dnfct.sizing.entries=N: no sizing run asked for");
        System.out.println("state sizing: " + StateSizing.measure(Integer.parseInt(n)));
    }
}
