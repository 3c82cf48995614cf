package dev.nfct.flink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.flink.records.InputRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

class HostTimeBroadcastTest {
    @Test
    void oneRecordReachesEveryKeyGroup() {
        for (int maxParallelism : new int[] {1, 128, 720, 32768}) {
            long[] keys = HostTimeBroadcast.keysForEachKeyGroup(maxParallelism);
            Set<Integer> groups = new HashSet<>();
            for (long k : keys) {
                groups.add(KeyGroupRangeAssignment.assignToKeyGroup(k, maxParallelism));
            }
            assertThat(groups).hasSize(maxParallelism);
        }
    }

    @Test
    void onlyTimesThatMovedAreSentAndEachHostsNewest() {
        HostTimeBroadcast b = new HostTimeBroadcast(4);
        List<InputRecord> out = new ArrayList<>();
        b.flush(out::add);
        assertThat(out).as("nothing seen, nothing sent").isEmpty();
        b.observe("a", 10);
        b.observe("a", 30);
        b.observe("a", 20);
        b.observe("b", 5);
        b.flush(out::add);
        assertThat(out).hasSize(4);
        assertThat(out).allSatisfy(r -> {
            assertThat(r.packet).isNull();
            assertThat(r.hostTimes).isEqualTo(Map.of("a", 30L, "b", 5L));
        });
        assertThat(out).extracting(r -> r.routingKey).doesNotHaveDuplicates();
        out.clear();
        b.observe("b", 5);
        b.flush(out::add);
        assertThat(out).as("no host moved").isEmpty();
        b.observe("b", 6);
        b.flush(out::add);
        assertThat(out).hasSize(4).allSatisfy(r -> assertThat(r.hostTimes).isEqualTo(Map.of("b", 6L)));
    }
}
