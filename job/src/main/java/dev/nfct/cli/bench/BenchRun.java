package dev.nfct.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/**
 * What one benchmark run measured.
 *
 * @param name what ran
 * @param packets packets in the measured part
 * @param seconds wall time of the measured part
 * @param cpuSeconds CPU time the whole process used during the run (all threads: Flink's, and the
 *     broker's where there is one)
 * @param peakHeapBytes the heap's peak during the run (sum of the heap pools' peaks)
 */
record BenchRun(String name, long packets, double seconds, double cpuSeconds, long peakHeapBytes) {
    double packetsPerSecond() {
        return packets / seconds;
    }

    /** Packets per CPU-second of the process: what one core of this machine gets through. */
    double packetsPerCpuSecond() {
        return cpuSeconds > 0 ? packets / cpuSeconds : Double.NaN;
    }

    String line() {
        return String.format(
                Locale.ROOT,
                "%-44s %,12d packets %8.2f s %,12.0f packets/s %,12.0f packets/cpu-s %,7d MB peak heap",
                name,
                packets,
                seconds,
                packetsPerSecond(),
                packetsPerCpuSecond(),
                peakHeapBytes >> 20);
    }

    /** CPU time the process has used so far, in ns (-1 where the JVM cannot tell). */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Starts a new peak for every heap pool. */
    static void resetHeapPeak() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
