package dev.nfct.schema;

/**
 * A {@code PacketEvent} the engine cannot use (addresses of the wrong size, values out of range,
 * a missing header record...). The message is the reason that goes into the dead letter.
 *
 * <p>It is a data error, not a bug, and can come at the input rate of a broken producer, so it
 * carries no stack trace (filling one in costs far more than the check that found the problem).
 */
public final class InvalidPacketEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidPacketEventException(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
