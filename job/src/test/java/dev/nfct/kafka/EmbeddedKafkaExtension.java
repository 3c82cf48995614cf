package dev.nfct.kafka;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-JVM broker for a test class, started before its {@code @BeforeAll} methods and closed
 * after its {@code @AfterAll} methods. Register it on a static field:
 * {@code @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();}
 * and reach the broker with {@link #broker()}.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The running broker (null before the class's tests start, or when it failed to start). */
    public EmbeddedKafka broker() {
        return kafka;
    }
}
