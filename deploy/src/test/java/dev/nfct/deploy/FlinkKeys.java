package dev.nfct.deploy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.runtime.shuffle.ShuffleServiceOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/**
 * The configuration keys this Flink knows, read from its own {@code ConfigOption}s: every static
 * option of every {@code *Options} class in the jars of flink-core, flink-runtime, the RocksDB
 * state backend and the Prometheus reporter, with their fallback keys (deprecated ones are kept
 * apart: a deployment file should use the current name). Keys of a named reporter
 * ({@code metrics.reporter.NAME.x}) are known when {@code x} is one of Flink's per-reporter options
 * or an argument of the Prometheus reporter.
 */
final class FlinkKeys {
    private final Set<String> keys = new TreeSet<>();
    /** Keys this Flink still reads but has deprecated: a deployment file should not use them. */
    private final Set<String> deprecated = new TreeSet<>();
    /** The options of a named reporter ({@code metrics.reporter.NAME.} + one of these). */
    private final Set<String> reporterArguments = new HashSet<>();

    FlinkKeys() throws Exception {
        for (Class<?> anchor : new Class<?>[] {
            CoreOptions.class, ShuffleServiceOptions.class, RocksDBOptions.class, PrometheusReporterFactory.class
        }) {
            scan(jarOf(anchor));
        }
        // The Prometheus reporter reads its arguments by name (port, ...): its static String constants.
        for (Field f : PrometheusReporterFactory.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    && f.getType() == String.class
                    && f.getName().startsWith("ARG_")) {
                f.setAccessible(true);
                reporterArguments.add((String) f.get(null));
            }
        }
    }

    int size() {
        return keys.size();
    }

    /** Whether this Flink knows {@code key} under that name (deprecated names are not known). */
    boolean known(String key) {
        if (keys.contains(key)) {
            return true;
        }
        String[] p = key.split("\\.", 4);
        return p.length == 4 && p[0].equals("metrics") && p[1].equals("reporter") && reporterArguments.contains(p[3]);
    }

    /** Why {@code key} is not known: deprecated (still read) or unknown. */
    String why(String key) {
        return key + (deprecated.contains(key) ? ": deprecated in this Flink" : ": no such option in this Flink");
    }

    private static Path jarOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private void scan(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements(); ) {
                String n = e.nextElement().getName();
                if (!n.endsWith("Options.class") || n.contains("$")) {
                    continue;
                }
                Class<?> c;
                try {
                    c = Class.forName(
                            n.substring(0, n.length() - 6).replace('/', '.'), true, FlinkKeys.class.getClassLoader());
                } catch (Throwable notLoadable) {
                    continue; // a class that needs what is not on this classpath has no options we set
                }
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) || !ConfigOption.class.isAssignableFrom(f.getType())) {
                        continue;
                    }
                    try {
                        f.setAccessible(true);
                        ConfigOption<?> o = (ConfigOption<?>) f.get(null);
                        if (c == MetricOptions.class && !o.key().startsWith("metrics.")) {
                            reporterArguments.add(o.key()); // declared per reporter
                            continue;
                        }
                        keys.add(o.key());
                        for (FallbackKey k : o.fallbackKeys()) {
                            (k.isDeprecated() ? deprecated : keys).add(k.getKey());
                        }
                    } catch (ReflectiveOperationException | RuntimeException ignored) {
                        // not readable here: not one of ours
                    }
                }
            }
        }
    }
}
