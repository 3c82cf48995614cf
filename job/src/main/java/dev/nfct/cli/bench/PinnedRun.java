package dev.nfct.cli.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One in-memory run in a JVM of its own, limited with {@code taskset} to the cores it is credited
 * with. Comparing parallelism 2 with 1 on a 2-core machine only means something this way: in one
 * JVM the run at parallelism 1 already keeps both cores busy (the source on one, conntrack on the
 * other).
 *
 * <p>The child is the same command ({@code bench --child SPEC}): it runs the one job and prints one
 * line, {@code child: PACKETS SECONDS CPU_SECONDS PEAK_HEAP_BYTES}.
 */
final class PinnedRun {
    private PinnedRun() {}

    /** Whether runs can be pinned here: taskset exists and the machine has {@code cores} CPUs. */
    static boolean possible(int cores) {
        return Runtime.getRuntime().availableProcessors() >= cores && onPath("taskset");
    }

    /** The child's arguments for a workload at a parallelism. */
    static String spec(Workload w, int parallelism) {
        return String.format(Locale.ROOT, "%s,%d,%d,%d,%d", w.kind(), w.packets(), w.streams(), w.flows(), parallelism);
    }

    /** Runs {@code spec} on the first {@code cores} CPUs; the child's figures, named {@code name}. */
    static BenchRun run(String name, String spec, int cores) throws Exception {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", cores == 1 ? "0" : "0-" + (cores - 1)));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + (Runtime.getRuntime().maxMemory() >> 20) + "m");
        String classPath = System.getProperty("java.class.path");
        if (!classPath.contains(File.pathSeparator) && classPath.endsWith(".jar")) {
            command.addAll(List.of("-jar", classPath)); // the runnable jar: its launcher sets up the rest
        } else {
            command.addAll(List.of("-cp", classPath, "dev.nfct.cli.Main"));
        }
        command.addAll(List.of("bench", "--child", spec));
        Path err = Files.createTempFile("nfct-bench-child-", ".log");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("the pinned run " + spec + " did not end within 10 minutes");
            }
            String last = out.isEmpty() ? "" : out.substring(out.lastIndexOf('\n') + 1);
            if (p.exitValue() != 0 || !last.startsWith("child: ")) {
                throw new IllegalStateException(
                        "the pinned run " + spec + " failed (exit " + p.exitValue() + "): " + tail(err));
            }
            String[] f = last.substring(7).split(" ");
            return new BenchRun(
                    name,
                    Long.parseLong(f[0]),
                    Double.parseDouble(f[1]),
                    Double.parseDouble(f[2]),
                    Long.parseLong(f[3]));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The child's side: the line {@link #run} reads. */
    static String line(BenchRun r) {
        return String.format(
                Locale.ROOT, "child: %d %.6f %.6f %d", r.packets(), r.seconds(), r.cpuSeconds(), r.peakHeapBytes());
    }

    /** The workload and parallelism of a child's spec. */
    static Workload workload(String spec) {
        String[] f = spec.split(",");
        if (f.length != 5) {
            throw new IllegalArgumentException("--child takes KIND,PACKETS,STREAMS,FLOWS,PARALLELISM");
        }
        return new Workload(
                Workload.Kind.valueOf(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]));
    }

    static int parallelism(String spec) {
        return Integer.parseInt(spec.split(",")[4]);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (Exception e) {
            return "(no log)";
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
