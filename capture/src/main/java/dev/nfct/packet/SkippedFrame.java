package dev.nfct.packet;

/**
 * A frame that never reaches conntrack: not IP (ARP, LLDP...), or an IP header so broken that the
 * kernel's IP input would drop it (reason starts with {@code bad-ip}).
 */
public record SkippedFrame(int frameNumber, String reason) {}
