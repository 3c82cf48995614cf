package dev.nfct.core;

/** Tracker-private state kept in an entry (TCP windows, SCTP tags...). */
public interface ProtoState {
    /** The state name {@code conntrack} prints (for example {@code ESTABLISHED}). */
    String stateName();

    /** A deep copy, so an entry can be snapshotted or cloned without sharing mutable state. */
    ProtoState copy();
}
