package dev.nfct.pcap;

import java.io.IOException;

/** One capture container format (classic pcap or pcapng), yielding frames in file order. */
interface FrameSource {
    /** The next frame, or null at the clean end of the file. */
    PcapFrame next() throws IOException;
}
