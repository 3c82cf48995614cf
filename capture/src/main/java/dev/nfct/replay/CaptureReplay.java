package dev.nfct.replay;

import dev.nfct.core.ConnEvent;
import dev.nfct.core.Conntrack;
import dev.nfct.core.CtInfo;
import dev.nfct.core.PacketCt;
import dev.nfct.packet.CaptureReader;
import dev.nfct.packet.CapturedDatagram;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a capture through the engine the way the kernel sees a forwarded packet: the entry hook at
 * PRE_ROUTING and the confirm hook at POST_ROUTING, back to back, for every datagram in capture
 * order (after reassembly). Events go to the engine's listener as they happen.
 */
public final class CaptureReplay {
    private final Conntrack engine;
    private final Timing timing;
    private final AtEnd atEnd;
    private final List<FrameVerdict> verdicts = new ArrayList<>();
    private long now = Long.MIN_VALUE;
    private long datagrams;

    public CaptureReplay(Conntrack engine, Timing timing, AtEnd atEnd) {
        this.engine = engine;
        this.timing = timing;
        this.atEnd = atEnd;
    }

    /**
     * Replays the whole capture; returns the per-frame verdicts in frame order. In capture timing
     * the reader also gives up on fragmented datagrams by the capture's clock.
     */
    public List<FrameVerdict> run(CaptureReader reader) throws IOException {
        reader.fragmentTimeoutsByCaptureTime(timing == Timing.CAPTURE);
        // A replay sees forwarded packets, checked at PRE_ROUTING when the setting asks for it.
        reader.verifyChecksums(engine.settings().checksum == 1);
        PacketCt r = new PacketCt();
        for (CapturedDatagram d; (d = reader.next()) != null; ) {
            advanceClock(d.timestampNanos());
            r.reset();
            CtInfo info;
            if (d.droppedBeforeConfirm()) {
                engine.in(d.packet(), now, r);
                info = r.state();
                engine.dropped(r);
            } else {
                info = engine.forward(d.packet(), now, r);
            }
            verdicts.add(new FrameVerdict(d.frameNumber(), info.stateName, info.directionName()));
            for (int f : d.absorbedFrames()) {
                verdicts.add(new FrameVerdict(f, "frag", "-"));
            }
            datagrams++;
        }
        for (int f : reader.unseenFrames()) {
            verdicts.add(new FrameVerdict(f, "unseen", "-"));
        }
        finish();
        verdicts.sort(Comparator.comparingInt(FrameVerdict::frame));
        return verdicts;
    }

    private void advanceClock(long packetTime) {
        if (now == Long.MIN_VALUE) {
            now = packetTime;
        } else if (timing == Timing.CAPTURE && packetTime > now) {
            // Captures can step backwards a little (multi-queue capture); time never goes back here.
            now = packetTime;
        }
        if (timing == Timing.CAPTURE) {
            engine.expire(now);
        }
    }

    private void finish() {
        if (now == Long.MIN_VALUE) {
            return;
        }
        switch (atEnd) {
            case EXPIRE:
                engine.expire(Long.MAX_VALUE);
                break;
            case FLUSH:
                engine.flush(now);
                break;
            default:
                break;
        }
    }

    /** The replay's clock after the run (the last packet's time, or the first one's with top timing). */
    public long now() {
        return now;
    }

    /**
     * The engine's table at {@link #now()}: every entry as {@code format} renders its dump, sorted
     * (natural string order), one line each.
     */
    public List<String> tableLines(Function<ConnEvent, String> format) {
        List<String> lines = new ArrayList<>();
        engine.table().forEach(c -> lines.add(format.apply(engine.dumpEntry(c, now))));
        lines.sort(null);
        return lines;
    }

    public long datagrams() {
        return datagrams;
    }
}
