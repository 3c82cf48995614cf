package dev.nfct.core;

/**
 * The protocol trackers an engine uses, by protocol number (every number has one: protocols
 * without a tracker of their own get the generic one). The standard set is
 * {@code dev.nfct.core.proto.Trackers}; the engine is handed it, so that it never depends on the
 * trackers' package.
 */
@FunctionalInterface
public interface ProtocolTrackers {
    ProtocolTracker get(int protocol);
}
