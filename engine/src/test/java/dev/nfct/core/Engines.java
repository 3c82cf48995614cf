package dev.nfct.core;

/** Test access to an engine's insides that embedders do not get. */
public final class Engines {
    private Engines() {}

    /** What the engine's trackers see of it, to drive a tracker directly. */
    public static TrackerContext context(Conntrack engine) {
        return engine.context();
    }
}
