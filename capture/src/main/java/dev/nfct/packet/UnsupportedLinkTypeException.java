package dev.nfct.packet;

/** The capture uses a link type this tool cannot strip; the message names the link type and frame. */
public final class UnsupportedLinkTypeException extends RuntimeException {
    public UnsupportedLinkTypeException(String message) {
        super(message);
    }
}
