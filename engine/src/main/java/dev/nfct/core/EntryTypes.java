package dev.nfct.core;

/** The {@link EntryType} of each protocol number, as the trackers in use define them. */
@FunctionalInterface
public interface EntryTypes {
    EntryType of(int protocol);
}
