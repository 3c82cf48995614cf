package dev.nfct.kafka;

/** The brokers cannot be reached, a topic is missing, or records were refused: the message says which, in one line. */
public final class KafkaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaUnavailableException(String message) {
        super(message);
    }
}
