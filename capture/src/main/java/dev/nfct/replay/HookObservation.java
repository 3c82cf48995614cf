package dev.nfct.replay;

import dev.nfct.core.Packet;

/**
 * One packet seen at one hook of a host.
 *
 * @param frameNumber the record's number in its capture, from 1
 * @param timestampNanos when the host saw it (ns since the Unix epoch)
 * @param hook where
 * @param packetId joins the observations of one packet on the host (the NFLOG mark)
 * @param dropped the host's ruleset dropped the packet at this hook (at an entry hook: after
 *     conntrack's entry path ran)
 * @param packet the decoded packet
 */
public record HookObservation(
        int frameNumber, long timestampNanos, ObservedHook hook, long packetId, boolean dropped, Packet packet) {}
