package dev.nfct.core;

/**
 * What a protocol tracker may do to the engine while it handles a packet, and nothing more: the
 * helpers the kernel gives its protocol trackers (refresh with accounting, the event cache,
 * assuring, killing, looking an entry up). The engine hands its trackers this, never itself.
 */
public interface TrackerContext {
    /**
     * A valid packet: set the timeout to {@code timeoutSeconds} from now (unless the entry has a
     * fixed timeout) and count the packet.
     */
    void refresh(Conn ct, int dir, int bytes, int timeoutSeconds, long now);

    /** Sets the timeout without counting (relative while unconfirmed, absolute afterwards). */
    void setTimeout(Conn ct, int timeoutSeconds, long now);

    /** Counts a packet of {@code bytes} in direction {@code dir}, when the entry keeps counters. */
    void account(Conn ct, int dir, int bytes);

    /** Sets ASSURED (never cleared) and caches the event. */
    void assure(Conn ct);

    /** Adds event bits to the entry's cache; they are delivered at the next confirm-hook pass. */
    void cacheEvent(Conn ct, int bits);

    /**
     * Deletes an entry at once, with its DESTROY.
     *
     * @return false when it was already dying
     */
    boolean kill(Conn ct, long now);

    /**
     * The confirmed entry with this tuple in either direction ({@link Conn#directionOf} says which),
     * or null; an expired entry met on the way is reaped and not returned.
     */
    Conn lookup(Tuple t, long now);
}
