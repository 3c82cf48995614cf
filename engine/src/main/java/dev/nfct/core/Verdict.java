package dev.nfct.core;

/** What a protocol tracker says about one packet. */
public enum Verdict {
    /** Valid for this entry (the tracker refreshed and counted it, or deliberately did not). */
    ACCEPT,
    /** Not valid: the entry is detached from the packet, which goes on untagged ("invalid"). */
    INVALID,
    /** Not valid and conntrack drops the packet itself. */
    DROP,
    /** The tracker killed the entry so that this packet can create a new one: look up again. */
    REPEAT
}
