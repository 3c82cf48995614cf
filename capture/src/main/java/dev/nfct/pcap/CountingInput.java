package dev.nfct.pcap;

import java.io.IOException;
import java.io.InputStream;

/** An input stream reader that knows its byte offset, so format errors can say where they are. */
final class CountingInput {
    private final InputStream in;
    private long offset;

    CountingInput(InputStream in) {
        this.in = in;
    }

    long offset() {
        return offset;
    }

    /** Reads up to {@code len} bytes, fewer only at end of input; returns how many were read. */
    int readFully(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, off + done, len - done);
            if (n < 0) {
                break;
            }
            done += n;
        }
        offset += done;
        return done;
    }

    void close() throws IOException {
        in.close();
    }
}
