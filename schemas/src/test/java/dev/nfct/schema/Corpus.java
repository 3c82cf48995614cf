package dev.nfct.schema;

import dev.nfct.core.ConnEvent;
import dev.nfct.core.Conntrack;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.Packet;
import dev.nfct.core.PacketCt;
import dev.nfct.core.Settings;
import dev.nfct.core.proto.Trackers;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The captures the tests run over, and a replay of datagrams through the engine. */
final class Corpus {
    private Corpus() {}

    /** Every capture of {@code ../shared/pcaps} (and its {@code public/}), or empty when absent. */
    static List<Path> shared() {
        try {
            return SharedData.captures();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String name(Path capture) {
        Path parent = capture.getParent().getFileName();
        return (parent.toString().equals("public") ? "public/" : "") + capture.getFileName();
    }

    /** A replay run: the events in order, and the table dumped at the end (before the final expiry). */
    record Run(List<ConnEvent> events, List<ConnEvent> dump, long end) {}

    /**
     * Replays the datagrams as the capture replay does (entry and confirm back to back, the clock
     * following the capture and never going back, expiring as it moves), giving the engine the
     * packet {@code view} makes of each; at the end dumps the table, then expires everything so
     * the DESTROY events are in the run too.
     */
    static Run replay(List<CapturedDatagram> datagrams, Function<CapturedDatagram, Packet> view) {
        List<ConnEvent> events = new ArrayList<>();
        Settings settings = Settings.replayDefaults();
        Conntrack engine = new Conntrack(settings, Trackers.standard(settings), new HashConnTable(), events::add);
        PacketCt r = new PacketCt();
        long now = Long.MIN_VALUE;
        for (CapturedDatagram d : datagrams) {
            now = Math.max(now, d.timestampNanos());
            engine.expire(now);
            r.reset();
            engine.forward(view.apply(d), now, r);
        }
        List<ConnEvent> dump = new ArrayList<>();
        final long end = now;
        engine.table().forEach(c -> dump.add(engine.dumpEntry(c, end)));
        engine.expire(Long.MAX_VALUE);
        return new Run(events, dump, end);
    }
}
