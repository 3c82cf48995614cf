package dev.nfct.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client settings from the command line, for every client a command makes (SASL, TLS, ...):
 * {@code --kafka-config FILE} (a properties file, as Kafka's own tools take) and then
 * {@code --kafka-property KEY=VALUE} (repeatable), the later winning.
 */
final class KafkaClientArgs {
    static final String CONFIG = "--kafka-config";
    static final String PROPERTY = "--kafka-property";

    static final String USAGE =
            "  --kafka-config FILE            Kafka client settings from a properties file (SASL, TLS, ...)\n"
                    + "  --kafka-property KEY=VALUE     one Kafka client setting (repeatable; wins over the file)\n";

    private KafkaClientArgs() {}

    /**
     * The settings, in the order given.
     *
     * @throws IllegalArgumentException for a file that cannot be read or a malformed property
     */
    static Map<String, String> parse(Args args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args.has(CONFIG)) {
            Path file = Path.of(args.get(CONFIG, null));
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(CONFIG + " " + file + ": no such file");
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(CONFIG + " " + file + ": " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                out.put(k, p.getProperty(k));
            }
        }
        args.forEachKeyValue(PROPERTY, "KEY=VALUE", (k, v) -> out.put(k.trim(), v));
        if (out.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("give the brokers with --bootstrap-servers, not as a Kafka setting");
        }
        return out;
    }
}
