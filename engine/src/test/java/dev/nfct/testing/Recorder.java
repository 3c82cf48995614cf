package dev.nfct.testing;

import dev.nfct.core.ConnEvent;
import dev.nfct.core.Conntrack;
import dev.nfct.core.CtInfo;
import dev.nfct.core.EventListener;
import dev.nfct.core.HashConnTable;
import dev.nfct.core.Packet;
import dev.nfct.core.PacketCt;
import dev.nfct.core.Settings;
import dev.nfct.core.format.EventFormat;
import dev.nfct.core.proto.Trackers;
import java.util.ArrayList;
import java.util.List;

/**
 * An engine with an in-memory table that records its events, for tests:
 * {@code rec.forward(pkt)} runs entry + confirm at the current time; {@code rec.at(sec)} moves time.
 */
public final class Recorder implements EventListener {
    public final Settings settings;
    public final Conntrack ct;
    public final List<ConnEvent> events = new ArrayList<>();
    public final PacketCt r = new PacketCt();
    /** Event time in nanoseconds. */
    public long now = 1_000_000_000_000L;

    public Recorder() {
        this(Settings.replayDefaults());
    }

    public Recorder(Settings s) {
        settings = s;
        ct = new Conntrack(s, Trackers.standard(s), new HashConnTable(), this);
    }

    @Override
    public void onEvent(ConnEvent e) {
        events.add(e);
    }

    /** Moves the clock to {@code seconds} after the start (fractions allowed). */
    public Recorder at(double seconds) {
        now = 1_000_000_000_000L + (long) (seconds * 1e9);
        return this;
    }

    /** Entry hook and confirm hook back to back; returns the packet's ctinfo. */
    public CtInfo forward(Packet p) {
        r.reset();
        return ct.forward(p, now, r);
    }

    /** Entry hook only; the caller decides to confirm or drop {@link #r}. */
    public CtInfo in(Packet p) {
        return in(p, r);
    }

    /** Events rendered as conntrack -E lines (no -o extended), then forgotten. */
    public List<String> drain() {
        List<String> out = new ArrayList<>();
        for (ConnEvent e : events) {
            out.add(EventFormat.event(e, false));
        }
        events.clear();
        return out;
    }

    public ConnEvent last() {
        return events.isEmpty() ? null : events.get(events.size() - 1);
    }

    /** The only entry in the table (fails when there is not exactly one). */
    public dev.nfct.core.Conn only() {
        List<dev.nfct.core.Conn> all = entries();
        if (all.size() != 1) {
            throw new AssertionError("expected exactly one entry, found " + all.size() + ": " + all);
        }
        return all.get(0);
    }

    // ------------------------------------------------------------------ added for core tests

    /** Entry hook with a caller-owned {@link PacketCt} (two packets in flight at once). */
    public CtInfo in(Packet p, PacketCt own) {
        own.reset();
        ct.in(p, now, own);
        return own.state();
    }

    /** Confirm hook for a caller-owned {@link PacketCt}, at the current time. */
    public void confirm(PacketCt own) {
        ct.confirm(own, now);
    }

    /** Every confirmed entry in the table. */
    public List<dev.nfct.core.Conn> entries() {
        List<dev.nfct.core.Conn> all = new ArrayList<>();
        ct.table().forEach(all::add);
        return all;
    }

    /** The entry as a {@code conntrack -L} line at the current time. */
    public String dump(dev.nfct.core.Conn c) {
        return EventFormat.entry(ct.dumpEntry(c, now), false);
    }
}
