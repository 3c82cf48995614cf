import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * Builds job/target/conntrack-job.jar, run by the job module's build with the JDK's source launcher
 * ({@code java RunnableJar.java CLUSTER ALL LAUNCHER_CLASSES OUT}):
 *
 * <ul>
 *   <li>at the top level, the cluster jar's entries unchanged (what a Flink cluster loads from
 *       usrlib/: the job, the Kafka connector, Avro; no Flink) and the launcher's classes;
 *   <li>one uncompressed entry, nfct-runtime.jar: a jar of every entry of the all-in-one jar
 *       (Flink, the Kafka broker, logging, the commands) that the top level does not already hold
 *       with the same bytes; the launcher agent puts it on the class path under java -jar;
 *   <li>a manifest whose Main-Class is the commands' entry point and Launcher-Agent-Class the agent
 *       (for java -jar), and whose Program-Class is the cluster entry point (for Flink, which reads
 *       Program-Class before Main-Class).
 * </ul>
 *
 * Entry times are kept from the inputs, so equal inputs give an equal jar.
 */
public class RunnableJar {
    static final String RUNTIME = "nfct-runtime.jar";
    static final String LAUNCHER = "dev/nfct/launch/";

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: RunnableJar CLUSTER_JAR ALL_JAR LAUNCHER_CLASSES_DIR OUT_JAR");
            System.exit(2);
        }
        Path cluster = Path.of(args[0]), all = Path.of(args[1]), classes = Path.of(args[2]), out = Path.of(args[3]);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Path runtime = out.resolveSibling(RUNTIME + ".tmp");
        Map<String, byte[]> top = new HashMap<>();
        int nested = 0;
        try (JarFile c = new JarFile(cluster.toFile())) {
            for (Enumeration<JarEntry> en = c.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                if (!isManifest(e.getName())) {
                    top.put(e.getName(), read(c, e));
                }
            }
        }
        // The runtime jar first: what the all-in-one jar has beyond the top level.
        try (JarFile a = new JarFile(all.toFile());
                JarOutputStream o = new JarOutputStream(Files.newOutputStream(runtime), a.getManifest())) {
            for (Enumeration<JarEntry> en = a.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                String n = e.getName();
                if (e.isDirectory() || isManifest(n) || n.startsWith(LAUNCHER)) {
                    continue;
                }
                byte[] b = read(a, e);
                if (top.containsKey(n) && Arrays.equals(top.get(n), b)) {
                    continue;
                }
                put(o, n, e.getTime(), b);
                nested++;
            }
        }
        try (JarFile c = new JarFile(cluster.toFile());
                JarOutputStream o = new JarOutputStream(Files.newOutputStream(tmp), manifest())) {
            long time = c.getEntry("META-INF/MANIFEST.MF").getTime();
            for (Enumeration<JarEntry> en = c.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                if (!isManifest(e.getName())) {
                    put(o, e.getName(), e.getTime(), top.get(e.getName()));
                }
            }
            try (Stream<Path> files = Files.walk(classes.resolve(LAUNCHER))) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    put(o, classes.relativize(f).toString().replace('\\', '/'), time, Files.readAllBytes(f));
                }
            }
            // Stored, not deflated: the agent copies it out as it is, without inflating 100+ MB.
            byte[] r = Files.readAllBytes(runtime);
            CRC32 crc = new CRC32();
            crc.update(r);
            JarEntry e = new JarEntry(RUNTIME);
            e.setMethod(ZipEntry.STORED);
            e.setSize(r.length);
            e.setCompressedSize(r.length);
            e.setCrc(crc.getValue());
            e.setTime(time);
            o.putNextEntry(e);
            o.write(r);
            o.closeEntry();
        } finally {
            Files.deleteIfExists(runtime);
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("RunnableJar: %s: %d entries at the top level, %d in %s%n", out, top.size(), nested, RUNTIME);
    }

    private static boolean isManifest(String name) {
        return name.equalsIgnoreCase("META-INF/MANIFEST.MF") || name.equalsIgnoreCase("META-INF/");
    }

    private static Manifest manifest() {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, "dev.nfct.cli.Main");
        a.putValue("Launcher-Agent-Class", "dev.nfct.launch.RuntimeAgent");
        a.putValue("Program-Class", "dev.nfct.flink.ClusterMain");
        a.put(Attributes.Name.MULTI_RELEASE, "true");
        a.putValue("Created-By", "nfct RunnableJar");
        return m;
    }

    private static byte[] read(JarFile j, JarEntry e) throws IOException {
        try (InputStream in = j.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static void put(JarOutputStream o, String name, long time, byte[] bytes) throws IOException {
        JarEntry e = new JarEntry(name);
        e.setTime(time);
        o.putNextEntry(e);
        o.write(bytes);
        o.closeEntry();
    }
}
