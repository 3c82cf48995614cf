package dev.nfct.flink.operator;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.Hook;
import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.PacketVerdict;
import dev.nfct.core.Conn;
import dev.nfct.core.ConnEvent;
import dev.nfct.core.Conntrack;
import dev.nfct.core.CtInfo;
import dev.nfct.core.EventType;
import dev.nfct.core.Packet;
import dev.nfct.core.PacketCt;
import dev.nfct.core.Settings;
import dev.nfct.core.Status;
import dev.nfct.core.Tuple;
import dev.nfct.core.proto.Trackers;
import dev.nfct.flink.state.ConnSerializer;
import dev.nfct.flink.state.PendingEntry;
import dev.nfct.flink.state.PendingEntrySerializer;
import dev.nfct.flink.state.TupleSerializer;
import dev.nfct.schema.FlowEvents;
import dev.nfct.schema.InvalidPacketEventException;
import dev.nfct.schema.PacketEvents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The keyed conntrack operator: one host's connections, keyed by {@link FlowKey}.
 *
 * <p>Both of conntrack's paths live here, because Flink keyed state belongs to one operator:
 * <ul>
 *   <li>an entry-hook observation (PRE_ROUTING, LOCAL_OUT) runs the engine's {@code conntrack_in};
 *       a new connection's unconfirmed entry is kept as <i>pending</i>, under the packet id;</li>
 *   <li>the exit-hook observation of that packet (LOCAL_IN, POST_ROUTING) runs the confirm step:
 *       the entry enters the table and the cached events (NEW first) are delivered;</li>
 *   <li>a DROP verdict, or no exit observation within {@link ConntrackOptions#PENDING_TIMEOUT} of
 *       event time, discards the pending entry without any event;</li>
 *   <li>a single-observation record ({@code seenOnce}) runs both back to back.</li>
 * </ul>
 * One input carrying both kinds of observation keeps each flow's observations in the order the host
 * saw them, which two inputs could not promise. Timeouts are event-time timers, one per key at the
 * earliest deadline of the key's entries and pending packets; when one fires, due entries are
 * destroyed with their DESTROY event (state TTL could not emit it).
 */
public class ConntrackFunction extends KeyedProcessFunction<Long, PacketEvent, FlowEvent> {
    private static final long serialVersionUID = 1L;
    private static final long NANOS_PER_MS = 1_000_000L;

    public static final OutputTag<TableUpdate> TABLE =
            new OutputTag<>("conntrack-table", Types.POJO(TableUpdate.class)) {};
    /** Per-packet ct state (only with {@link ConntrackOptions#PACKET_CTINFO}). */
    public static final OutputTag<PacketCtInfo> CTINFO =
            new OutputTag<>("conntrack-packet-ctinfo", Types.POJO(PacketCtInfo.class)) {};

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("conntrack-dead-letters", new AvroTypeInfo<>(DeadLetter.class)) {};

    private final HashMap<String, Integer> sysctls;
    private final long pendingTimeoutNs;
    private final TableUpdates tableUpdates;
    private final boolean emitCtinfo;

    private transient Conntrack engine;
    private transient KeyedConnTable table;
    private transient MapState<Long, PendingEntry> pending;
    private transient ValueState<Long> timer;
    private transient ValueState<String> host;
    private transient List<ConnEvent> events;
    /** Entries whose table record this element rewrites (a handful: identity matters, not equality). */
    private transient List<Conn> upserts;

    private transient Packet packet;
    private transient PacketCt attachment;
    private transient Counter deadLetters;
    private transient Counter latePackets;
    private transient long pendingCount;

    public ConntrackFunction(Map<String, Integer> sysctls, long pendingTimeoutNs, TableUpdates tableUpdates) {
        this(sysctls, pendingTimeoutNs, tableUpdates, false);
    }

    /** @param emitCtinfo also emit every packet's ct state to {@link #CTINFO} */
    public ConntrackFunction(
            Map<String, Integer> sysctls, long pendingTimeoutNs, TableUpdates tableUpdates, boolean emitCtinfo) {
        this.sysctls = new HashMap<>(sysctls);
        this.pendingTimeoutNs = pendingTimeoutNs;
        this.tableUpdates = tableUpdates;
        this.emitCtinfo = emitCtinfo;
    }

    @Override
    public void open(OpenContext openContext) {
        Settings settings = ConntrackOptions.settings(sysctls);
        MapState<Tuple, Conn> entries = getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>("conntrack-table", TupleSerializer.INSTANCE, ConnSerializer.INSTANCE));
        pending = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "conntrack-pending", LongSerializer.INSTANCE, PendingEntrySerializer.INSTANCE));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("conntrack-timer", Types.LONG));
        host = getRuntimeContext().getState(new ValueStateDescriptor<>("conntrack-host", Types.STRING));
        table = new KeyedConnTable(entries);
        events = new ArrayList<>();
        upserts = new ArrayList<>(4);
        long seed = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() * 0x9E3779B97F4A7C15L;
        engine = new Conntrack(settings, Trackers.standard(settings), table, events::add, seed);
        table.bind(engine);
        packet = new Packet();
        attachment = new PacketCt();
        registerMetrics(getRuntimeContext().getMetricGroup().addGroup("conntrack"));
    }

    private void registerMetrics(MetricGroup g) {
        var st = engine.stats();
        g.gauge("invalid", () -> st.invalid);
        g.gauge("error", () -> st.error);
        g.gauge("drop", () -> st.drop);
        g.gauge("early_drop", () -> st.earlyDrop);
        g.gauge("insert_failed", () -> st.insertFailed);
        g.gauge("clash_resolve", () -> st.clashResolve);
        g.gauge("entries", () -> (long) engine.count());
        g.gauge("pending", () -> pendingCount);
        deadLetters = g.counter("dead_letters");
        latePackets = g.counter("late_packets");
    }

    /** The engine's statistics for this subtask (for tests and metrics). */
    public Conntrack engine() {
        return engine;
    }

    @Override
    public void processElement(PacketEvent e, Context ctx, Collector<FlowEvent> out) throws Exception {
        long now = e.getTimestampNs();
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MIN_VALUE && now / NANOS_PER_MS < watermark) {
            // Older than the promise the watermark made: processing it now could reorder its flow.
            latePackets.inc();
            deadLetter(
                    ctx,
                    e,
                    "late: packet time " + now / NANOS_PER_MS + " ms is behind the watermark " + watermark + " ms");
            return;
        }
        try {
            PacketEvents.toPacket(e, packet);
        } catch (InvalidPacketEventException ex) {
            deadLetter(ctx, e, ex.getMessage());
            return;
        }
        String h = host.value();
        if (h == null) {
            h = e.getHost();
            host.update(h);
        }
        boolean drop = e.getVerdict() == PacketVerdict.DROP;
        if (e.getSeenOnce()) {
            runEntryHook(e, now, ctx);
            if (drop) {
                engine.dropped(attachment);
            } else {
                engine.confirm(attachment, now);
            }
        } else {
            // toPacket rejected a null or UNKNOWN hook: every other one has its case.
            Hook hook = e.getHook();
            switch (hook) {
                case PRE_ROUTING:
                case LOCAL_OUT:
                    runEntryHook(e, now, ctx);
                    if (drop) {
                        engine.dropped(attachment);
                    } else if (attachment.ct != null) {
                        remember(e.getPacketId(), now);
                    }
                    break;
                case FORWARD:
                    if (drop) {
                        forget(e.getPacketId());
                    }
                    break;
                case LOCAL_IN:
                case POST_ROUTING:
                    confirmPending(e.getPacketId(), drop, now);
                    break;
            }
        }
        finishElement(ctx, out, now, h);
    }

    private void runEntryHook(PacketEvent e, long now, Context ctx) {
        attachment.reset();
        attachment.zone = e.getZone();
        engine.in(packet, now, attachment);
        if (emitCtinfo) {
            CtInfo info =
                    attachment.ct == null && attachment.ctinfo != CtInfo.UNTRACKED ? CtInfo.INVALID : attachment.ctinfo;
            ctx.output(
                    CTINFO, new PacketCtInfo(e.getHost(), e.getPacketId(), now, info.stateName, info.directionName()));
        }
    }

    private void remember(long packetId, long now) throws Exception {
        Conn ct = attachment.ct;
        PendingEntry p = ct.confirmed()
                ? new PendingEntry(attachment.ctinfo, null, ct.orig, now + pendingTimeoutNs)
                : new PendingEntry(attachment.ctinfo, ct, null, now + pendingTimeoutNs);
        PendingEntry previous = pending.get(packetId);
        if (previous != null) {
            discard(previous); // the same packet id seen twice at the entry hook: the newer wins
        } else {
            pendingCount++;
        }
        pending.put(packetId, p);
    }

    private void forget(long packetId) throws Exception {
        PendingEntry p = pending.get(packetId);
        if (p != null) {
            forget(packetId, p);
        }
    }

    /** Forgets a pending entry that is in state under {@code packetId}. */
    private void forget(long packetId, PendingEntry p) throws Exception {
        pending.remove(packetId);
        pendingCount--;
        discard(p);
    }

    private void discard(PendingEntry p) {
        if (p.unconfirmed != null) {
            attachment.reset();
            attachment.ct = p.unconfirmed;
            attachment.ctinfo = p.ctinfo;
            engine.dropped(attachment);
        }
    }

    private void confirmPending(long packetId, boolean drop, long now) throws Exception {
        PendingEntry p = pending.get(packetId);
        if (p == null) {
            return; // no entry was attached at the entry hook (invalid, untracked), or already gone
        }
        pending.remove(packetId);
        pendingCount--;
        if (drop) {
            discard(p);
            return;
        }
        attachment.reset();
        attachment.ctinfo = p.ctinfo;
        if (p.unconfirmed != null) {
            attachment.ct = p.unconfirmed;
        } else {
            Conn ct = table.find(p.confirmedOrig);
            if (ct == null) {
                return; // the entry died between the hooks (expired or killed): nothing to deliver
            }
            attachment.ct = ct;
        }
        engine.confirm(attachment, now);
    }

    @Override
    public void onTimer(long timestampMs, OnTimerContext ctx, Collector<FlowEvent> out) throws Exception {
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            // The end of a bounded input is not the passage of time: entries stay, as in the kernel
            // right after a replay. (An unbounded job never sees this watermark.)
            return;
        }
        long now = timestampMs * NANOS_PER_MS;
        engine.expire(now);
        Iterator<Map.Entry<Long, PendingEntry>> it = pending.iterator();
        List<Long> lostIds = new ArrayList<>();
        List<PendingEntry> lost = new ArrayList<>();
        while (it.hasNext()) {
            Map.Entry<Long, PendingEntry> en = it.next();
            PendingEntry p = en.getValue();
            if (p.deadline <= now) {
                lostIds.add(en.getKey());
                lost.add(p);
            }
        }
        for (int i = 0; i < lost.size(); i++) {
            forget(lostIds.get(i), lost.get(i));
        }
        timer.clear(); // this timer fired; finishElement registers the next one
        finishElement(ctx, out, now, host.value());
    }

    /**
     * Emits the element's events and table updates, stores changed entries and moves the key's timer.
     *
     * @param hostName the key's host (its state value), null for none
     */
    private void finishElement(Context ctx, Collector<FlowEvent> out, long now, String hostName) throws Exception {
        String h = hostName == null ? "" : hostName;
        upserts.clear();
        for (ConnEvent ev : events) {
            out.collect(FlowEvents.fromConnEvent(ev, h));
            if (tableUpdates == TableUpdates.OFF) {
                continue;
            }
            // An event carries its entry's own ORIGINAL tuple object: that finds the entry.
            if (ev.type == EventType.DESTROY) {
                upserts.removeIf(ct -> ct.orig == ev.orig);
                ctx.output(TABLE, new TableUpdate(FlowEvents.tableKey(ev, h), null));
            } else {
                Conn ct = table.touchedWithOrig(ev.orig);
                if (ct != null && !upserts.contains(ct)) {
                    upserts.add(ct);
                }
            }
        }
        if (tableUpdates == TableUpdates.PACKETS) {
            for (Conn ct : table.touched()) {
                if (ct.confirmed() && !ct.is(Status.DYING) && !upserts.contains(ct)) {
                    upserts.add(ct);
                }
            }
        }
        for (Conn ct : upserts) {
            if (!ct.is(Status.DYING)) {
                ConnEvent dumped = engine.dumpEntry(ct, now);
                ctx.output(
                        TABLE,
                        new TableUpdate(FlowEvents.tableKey(dumped, h), FlowEvents.tableEntry(dumped, h, ct.timeout)));
            }
        }
        events.clear();
        table.writeBack();
        rescheduleTimer(ctx);
    }

    private void rescheduleTimer(Context ctx) throws Exception {
        long next = table.earliestDeadline();
        for (PendingEntry p : pending.values()) {
            next = Math.min(next, p.deadline);
        }
        Long current = timer.value();
        long wantMs = next == Long.MAX_VALUE ? Long.MAX_VALUE : ceilDiv(next, NANOS_PER_MS);
        if (current != null && current == wantMs) {
            return;
        }
        if (current != null) {
            ctx.timerService().deleteEventTimeTimer(current);
        }
        if (wantMs == Long.MAX_VALUE) {
            timer.clear();
            if (table.isEmpty() && pending.isEmpty()) {
                host.clear(); // the key holds nothing any more: leave no state behind
            }
        } else {
            ctx.timerService().registerEventTimeTimer(wantMs);
            timer.update(wantMs);
        }
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private void deadLetter(Context ctx, PacketEvent e, String reason) {
        deadLetters.inc();
        ctx.output(DEAD_LETTERS, DeadLetters.of(e, reason));
    }
}
