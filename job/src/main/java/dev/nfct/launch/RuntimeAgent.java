package dev.nfct.launch;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Puts the runtime that only {@code java -jar} needs on the class path before the command starts.
 *
 * <p>{@code conntrack-job.jar} is one jar for every way the job runs. Its top level is what a
 * Flink cluster loads from {@code usrlib/}: the job, the Kafka connector and Avro, and no Flink.
 * Flink, the Kafka broker, logging and the commands are in one uncompressed entry,
 * {@value #RUNTIME}, which a cluster never opens, so it never meets a second copy of itself.
 * Under {@code java -jar} the JVM runs this agent first (the manifest's Launcher-Agent-Class): it
 * copies that entry to a file once (named by the entry's checksum, so a rebuilt jar gets a new
 * one) and appends it to the system class path, then the JVM runs the Main-Class as usual. Every
 * class has one loader, the application class loader, as in any plain jar.
 */
public final class RuntimeAgent {
    /** The entry that holds the runtime. */
    static final String RUNTIME = "nfct-runtime.jar";

    private RuntimeAgent() {}

    public static void agentmain(String args, Instrumentation inst) throws Exception {
        Path jar = Path.of(RuntimeAgent.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        inst.appendToSystemClassLoaderSearch(new JarFile(extracted(jar).toFile()));
    }

    /** The runtime entry of {@code jar} as a file of its own, made now if not made before. */
    static Path extracted(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            ZipEntry e = j.getEntry(RUNTIME);
            if (e == null) {
                throw new IOException(jar + " has no " + RUNTIME + ": not a runnable conntrack-job.jar");
            }
            Path dir = cacheDir();
            Path file = dir.resolve(String.format("nfct-runtime-%08x-%d.jar", e.getCrc(), e.getSize()));
            if (Files.isRegularFile(file) && Files.size(file) == e.getSize()) {
                return file;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "nfct-runtime-", ".part");
            try (InputStream in = j.getInputStream(e)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                // Atomic, so a command started at the same moment sees a whole file or none.
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            removeOthers(dir, file);
            return file;
        }
    }

    /**
     * Removes the runtimes of other builds, so rebuilding does not fill the disk. A command still
     * running from one keeps it open (the file goes when it ends); one started later from an older
     * jar copies its own again.
     */
    private static void removeOthers(Path dir, Path keep) {
        try (var others = Files.newDirectoryStream(dir, "nfct-runtime-*.jar")) {
            for (Path p : others) {
                if (!p.equals(keep)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            // Only housekeeping: the command runs all the same.
        }
    }

    /** $NFCT_CACHE_DIR, else the user's cache folder, else the temporary folder. */
    private static Path cacheDir() {
        String configured = System.getenv("NFCT_CACHE_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path home = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home", System.getProperty("java.io.tmpdir")), ".cache");
        if (Files.isWritable(home) || (!Files.exists(home) && Files.isWritable(home.getParent()))) {
            return home.resolve("nfct");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "nfct-" + System.getProperty("user.name", "user"));
    }
}
