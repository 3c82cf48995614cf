package dev.nfct.pcap;

import java.io.IOException;

/**
 * The capture file is malformed or truncated. The message always names the file and where the
 * problem sits (frame number and/or byte offset), so a replay failure can be located directly.
 */
public final class PcapFormatException extends IOException {
    public PcapFormatException(String message) {
        super(message);
    }

    public PcapFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A problem with one frame: {@code "SOURCE: frame N at offset O: WHAT"}. */
    static PcapFormatException frame(String source, int number, long offset, String what) {
        return new PcapFormatException(source + ": frame " + number + " at offset " + offset + ": " + what);
    }
}
