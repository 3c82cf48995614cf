package dev.nfct.core;

/** The three message kinds {@code conntrack -E} prints. */
public enum EventType {
    NEW("[NEW]"),
    UPDATE("[UPDATE]"),
    DESTROY("[DESTROY]");

    public final String label;

    EventType(String label) {
        this.label = label;
    }

    /**
     * The kind of message that carries a set of event bits: DESTROY if the entry was destroyed, NEW
     * if it was just created (or created as RELATED), UPDATE otherwise, as ctnetlink picks the
     * message type.
     */
    public static EventType of(int bits) {
        if ((bits & EventBits.DESTROY) != 0) {
            return DESTROY;
        }
        if ((bits & (EventBits.NEW | EventBits.RELATED)) != 0) {
            return NEW;
        }
        return UPDATE;
    }
}
