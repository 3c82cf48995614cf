package dev.nfct.packet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper (not a test): every datagram of a capture file, in order. */
public final class Captures {
    private Captures() {}

    public static List<CapturedDatagram> datagrams(Path capture) throws IOException {
        List<CapturedDatagram> out = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(capture)) {
            for (CapturedDatagram d; (d = reader.next()) != null; ) {
                out.add(d);
            }
        }
        return out;
    }
}
