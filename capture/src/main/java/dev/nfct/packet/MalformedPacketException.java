package dev.nfct.packet;

/**
 * The bytes are not a decodable IP datagram (wrong version nibble, header too short...). The kernel
 * drops such packets in its IP input path, so conntrack never sees them. The message gives the
 * reason; callers that know the frame number add it.
 */
public final class MalformedPacketException extends RuntimeException {
    public MalformedPacketException(String reason) {
        super(reason);
    }
}
