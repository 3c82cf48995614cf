package dev.nfct.cli;

import dev.nfct.kafka.PacketSender;
import dev.nfct.packet.CaptureReader;
import dev.nfct.packet.LinkLayer;
import dev.nfct.pcap.PcapReader;
import dev.nfct.replay.HookObservationReader;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A capture that {@code send} and {@code demo} feed to the job: packets each seen once, or a
 * capture of NFLOG records, which holds a host's hook observations. The link type of its first
 * interface tells them apart.
 */
final class CaptureInput implements Closeable {
    private final CaptureReader packets;
    private final HookObservationReader hooks;

    private CaptureInput(CaptureReader packets, HookObservationReader hooks) {
        this.packets = packets;
        this.hooks = hooks;
    }

    static CaptureInput open(Path file) throws IOException {
        return of(Files.newInputStream(file), file.toString());
    }

    /** @param in the capture bytes, closed by {@link #close()} (and on failure here) */
    static CaptureInput of(InputStream in, String name) throws IOException {
        BufferedInputStream b =
                in instanceof BufferedInputStream buffered ? buffered : new BufferedInputStream(in, 1 << 16);
        try {
            return PcapReader.firstLinkType(b) == LinkLayer.DLT_NFLOG
                    ? new CaptureInput(null, new HookObservationReader(b, name, true))
                    : new CaptureInput(new CaptureReader(b, name), null);
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /**
     * Whether the capture holds hook observations; reads ahead without consuming anything. False
     * when it cannot be read: reading it again says what is wrong.
     */
    static boolean holdsHooks(BufferedInputStream in) {
        try {
            return PcapReader.firstLinkType(in) == LinkLayer.DLT_NFLOG;
        } catch (IOException e) {
            return false;
        }
    }

    /** The same for a file (false for one that cannot be opened). */
    static boolean holdsHooks(Path file) {
        try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return holdsHooks(in);
        } catch (IOException e) {
            return false;
        }
    }

    boolean hookObservations() {
        return hooks != null;
    }

    /** Sends the whole capture with {@code sender}; returns the number of records sent. */
    long sendWith(PacketSender sender) throws IOException {
        return hooks != null ? sender.send(hooks) : sender.send(packets);
    }

    @Override
    public void close() throws IOException {
        if (hooks != null) {
            hooks.close();
        } else {
            packets.close();
        }
    }
}
