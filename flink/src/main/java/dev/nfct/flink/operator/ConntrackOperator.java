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
import dev.nfct.flink.records.InputRecord;
import dev.nfct.flink.records.TableUpdate;
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
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
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
 *       the host's time, discards the pending entry without any event; a confirmed entry keeps what
 *       the entry hook changed, and its cached events wait for the next confirm;</li>
 *   <li>a packet the host sent keeps its entry after its POST_ROUTING confirm: back in at
 *       PRE_ROUTING over loopback it is left alone ({@code ignore}), and its LOCAL_IN confirm
 *       delivers what the entry cached;</li>
 *   <li>a single-observation record ({@code seenOnce}) runs both back to back.</li>
 * </ul>
 *
 * <p><b>Time is each host's own.</b> Hosts share partitions and their clocks differ, so the
 * operator keeps no job-wide event time: every packet is judged by its own host's clock
 * ({@link HostClocks}), which its packets move forward. A packet older than its host's clock is
 * late (a dead letter); a key's entries expire, each with its DESTROY at its deadline, when its
 * host's clock passes that deadline. Flink's watermarks and timers are not used (a watermark is
 * one clock for all hosts of a partition).
 *
 * <p><b>Timers are lazy.</b> Each key is armed once, at a deadline no later than its earliest
 * one, and re-armed only when a deadline moves earlier; deadlines that move later (nearly every
 * packet of an established flow) cost nothing until the arming comes due, when the key's entries
 * are looked at once, what is due expires, and the key is armed again at its next deadline.
 */
public class ConntrackOperator extends AbstractStreamOperator<FlowEvent>
        implements OneInputStreamOperator<InputRecord, FlowEvent> {
    private static final long serialVersionUID = 1L;
    private static final long NANOS_PER_MS = 1_000_000L;

    public static final OutputTag<TableUpdate> TABLE =
            new OutputTag<>("conntrack-table", Types.POJO(TableUpdate.class)) {};
    /** Per-packet ct state (only with {@link ConntrackOptions#PACKET_CTINFO}). */
    public static final OutputTag<PacketCtInfo> CTINFO =
            new OutputTag<>("conntrack-packet-ctinfo", Types.POJO(PacketCtInfo.class)) {};

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("conntrack-dead-letters", new AvroTypeInfo<>(DeadLetter.class)) {};

    /** Keyed state names: part of the savepoint format. */
    static final String TABLE_STATE = "conntrack-table";

    static final String PENDING_STATE = "conntrack-pending";
    static final String TIMER_STATE = "conntrack-timer";
    static final String HOST_STATE = "conntrack-host";
    /** Operator (union) state: how far each subtask's id sequence got. */
    static final String ID_SERIAL_STATE = "conntrack-id-serial";

    private final HashMap<String, Integer> sysctls;
    private final long pendingTimeoutNs;
    private final long outOfOrdernessNs;
    private final TableUpdates tableUpdates;
    private final boolean emitCtinfo;

    private transient Conntrack engine;
    private transient KeyedConnTable table;
    private transient MapState<Tuple, Conn> entries;
    private transient MapState<Long, PendingEntry> pending;
    /** The key's arming (ms): never later than its earliest deadline. */
    private transient ValueState<Long> timer;

    private transient ValueState<String> host;
    private transient HostClocks clocks;
    private transient ListState<Long> idSerials;
    private transient long restoredIdSerial;
    private transient int restoredEntries;
    private transient long pendingCount;
    /** Times a key was armed (re-armed included): the cost lazy arming keeps low. */
    private transient long armings;

    private transient List<ConnEvent> events;
    /** Entries whose table record this element rewrites (a handful: identity matters, not equality). */
    private transient List<Conn> upserts;

    private transient Packet packet;
    private transient PacketCt attachment;
    private transient Counter deadLetters;
    private transient Counter latePackets;
    /** Exit-hook observations of packets that carry no entry (invalid or untracked ones, mostly). */
    private transient Counter exitsWithoutEntry;
    /** Flow events emitted, by type (indexed by {@link EventType#ordinal()}). */
    private transient Counter[] eventsOut;
    /** Earliest deadline (ns) of what this element stored: a pending entry. */
    private transient long storedDeadline;
    /** This element removed an entry or a pending packet: the key may now hold nothing. */
    private transient boolean removed;

    /**
     * @param outOfOrdernessNs how far a host's packets may come out of time order; its clock runs
     *     this much behind its newest packet
     * @param emitCtinfo also emit every packet's ct state to {@link #CTINFO}
     */
    public ConntrackOperator(
            Map<String, Integer> sysctls,
            long pendingTimeoutNs,
            long outOfOrdernessNs,
            TableUpdates tableUpdates,
            boolean emitCtinfo) {
        this.sysctls = new HashMap<>(sysctls);
        this.pendingTimeoutNs = pendingTimeoutNs;
        this.outOfOrdernessNs = outOfOrdernessNs;
        this.tableUpdates = tableUpdates;
        this.emitCtinfo = emitCtinfo;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        entries = getKeyedStateStore()
                .getMapState(new MapStateDescriptor<>(TABLE_STATE, TupleSerializer.INSTANCE, ConnSerializer.INSTANCE));
        pending = getKeyedStateStore()
                .getMapState(new MapStateDescriptor<>(
                        PENDING_STATE, LongSerializer.INSTANCE, PendingEntrySerializer.INSTANCE));
        host = getKeyedStateStore().getState(new ValueStateDescriptor<>(HOST_STATE, Types.STRING));
        ValueStateDescriptor<Long> timerDescriptor = new ValueStateDescriptor<>(TIMER_STATE, Types.LONG);
        timer = getKeyedStateStore().getState(timerDescriptor);
        idSerials = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(ID_SERIAL_STATE, Types.LONG));
        clocks = new HostClocks();
        restoredIdSerial = 0;
        restoredEntries = 0;
        pendingCount = 0;
        if (context.isRestored()) {
            for (Long s : idSerials.get()) {
                restoredIdSerial = Math.max(restoredIdSerial, s);
            }
            rearmRestoredKeys(timerDescriptor);
        }
    }

    /**
     * Arms every restored key again and counts what it holds, so the metrics and the table limit
     * start from the restored table, not from zero. One pass over this subtask's keys.
     */
    private void rearmRestoredKeys(ValueStateDescriptor<Long> timerDescriptor) throws Exception {
        Object before = getCurrentKey();
        getKeyedStateBackend()
                .applyToAllKeys(
                        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, timerDescriptor, (key, state) -> {
                            Long ms = state.value();
                            String h = host.value();
                            if (ms == null || h == null) {
                                return;
                            }
                            clocks.host(h).arm((Long) key, null, ms);
                            for (Tuple ignored : entries.keys()) {
                                restoredEntries++;
                            }
                            for (PendingEntry p : pending.values()) {
                                pendingCount++;
                                if (p.unconfirmed != null) {
                                    restoredEntries++; // an unconfirmed entry counts until confirmed or dropped
                                }
                            }
                        });
        if (before != null) {
            setCurrentKey(before);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        Settings settings = ConntrackOptions.settings(sysctls);
        table = new KeyedConnTable(entries);
        events = new ArrayList<>();
        upserts = new ArrayList<>(4);
        long seed = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() * 0x9E3779B97F4A7C15L;
        engine = new Conntrack(settings, Trackers.standard(settings), table, events::add, seed);
        engine.countRestored(restoredEntries);
        engine.resumeIdsAfter(restoredIdSerial);
        table.bind(engine);
        packet = new Packet();
        attachment = new PacketCt();
        registerMetrics(getMetricGroup().addGroup("conntrack"));
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
        g.gauge("hosts", () -> (long) clocks.hosts());
        g.gauge("armed_keys", () -> (long) clocks.armed());
        deadLetters = g.counter("dead_letters");
        latePackets = g.counter("late_packets");
        exitsWithoutEntry = g.counter("exits_without_entry");
        eventsOut = new Counter[EventType.values().length];
        for (EventType t : EventType.values()) {
            eventsOut[t.ordinal()] = g.counter("events_" + t.name().toLowerCase(java.util.Locale.ROOT));
        }
        g.gauge("ignore", () -> st.ignore);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        idSerials.update(List.of(engine.idSerial()));
    }

    /** This subtask's engine (for tests and metrics). */
    public Conntrack engine() {
        return engine;
    }

    /** Packets between their hooks on this subtask. */
    public long pendingPackets() {
        return pendingCount;
    }

    /** Exit-hook observations that found no entry riding with their packet, on this subtask. */
    public long exitsWithoutEntry() {
        return exitsWithoutEntry.getCount();
    }

    /** How often a key was armed on this subtask (for tests of the lazy arming). */
    public long armings() {
        return armings;
    }

    /** Keys armed to expire on this subtask (for tests: it drains to zero with the state). */
    public int armedKeys() {
        return clocks.armed();
    }

    @Override
    public void processElement(StreamRecord<InputRecord> element) throws Exception {
        InputRecord r = element.getValue();
        if (r.packet == null) {
            if (r.hostTimes != null) {
                hostTimes(r.hostTimes);
            }
            return;
        }
        PacketEvent e = r.packet;
        long now = e.getTimestampNs();
        try {
            PacketEvents.toPacket(e, packet);
        } catch (InvalidPacketEventException ex) {
            deadLetter(r, ex.getMessage());
            return;
        }
        String h = e.getHost();
        HostClocks.Host hostClock = clocks.host(h);
        long clock = hostClock.clock();
        if (now < clock) {
            // Behind its own host's clock: entries it would have kept alive may already be gone.
            latePackets.inc();
            deadLetter(
                    r,
                    "late: packet time " + now + " ns is " + (clock - now + outOfOrdernessNs)
                            + " ns behind the newest packet of host " + h + " (out-of-orderness bound "
                            + outOfOrdernessNs + " ns)");
            return;
        }
        if (hostClock.advance(now - outOfOrdernessNs) && hostClock.hasDue()) {
            // Only then is the key switched (and switched back): most packets find nothing due.
            Object key = getCurrentKey();
            expireDue(hostClock, h);
            setCurrentKey(key);
        }
        storedDeadline = Long.MAX_VALUE;
        removed = false;
        boolean drop = e.getVerdict() == PacketVerdict.DROP;
        if (e.getSeenOnce()) {
            runEntryHook(e, now);
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
                    entryHook(e, hook, drop, now);
                    break;
                case FORWARD:
                    if (drop) {
                        forget(e.getPacketId());
                    }
                    break;
                case LOCAL_IN:
                case POST_ROUTING:
                    confirmPending(e.getPacketId(), hook, drop, now);
                    break;
            }
        }
        armAfterElement(hostClock, h, Math.min(storedDeadline, finishElement(now, h)));
    }

    /**
     * A source subtask's hosts' newest packet times ({@link HostTimeBroadcast}): each host's clock
     * moves on as its own packets would move it, and what that makes due expires.
     */
    private void hostTimes(Map<String, Long> times) throws Exception {
        for (Map.Entry<String, Long> t : times.entrySet()) {
            HostClocks.Host hostClock = clocks.host(t.getKey());
            if (hostClock.advance(t.getValue() - outOfOrdernessNs)) {
                expireDue(hostClock, t.getKey());
            }
        }
    }

    /**
     * An entry-hook observation. A packet that comes back in at PRE_ROUTING over loopback still
     * carries the entry it got at LOCAL_OUT (confirmed at POST_ROUTING): as the kernel's
     * {@code nf_conntrack_in}, the job leaves it alone (no tracker run; counted as {@code ignore}),
     * and its LOCAL_IN observation delivers the entry's cached events. So with any PRE_ROUTING
     * observation of a packet id that already carries an entry. At LOCAL_OUT a packet is always new
     * (the host just made it): an id found there is a reused one, and what it held is replaced.
     */
    private void entryHook(PacketEvent e, Hook hook, boolean drop, long now) throws Exception {
        long id = e.getPacketId();
        PendingEntry previous = pending.get(id);
        if (previous != null && hook == Hook.PRE_ROUTING) {
            // The packet already carries an entry (it came back over loopback, or the host
            // reported it twice): conntrack leaves it alone.
            engine.stats().ignore++;
            emitCtinfo(e, now, previous.ctinfo);
            if (drop) {
                forget(id, previous); // a confirmed entry keeps its changes; an unconfirmed one goes
            } else if (previous.sentOut) {
                long deadline = now + pendingTimeoutNs;
                pending.put(id, new PendingEntry(previous.ctinfo, null, previous.confirmedOrig, deadline));
                storedDeadline = Math.min(storedDeadline, deadline);
            }
            return;
        }
        runEntryHook(e, now);
        if (drop) {
            engine.dropped(attachment);
        } else if (attachment.ct != null) {
            remember(id, previous, hook == Hook.LOCAL_OUT, now);
        }
    }

    private void runEntryHook(PacketEvent e, long now) {
        attachment.reset();
        attachment.zone = e.getZone();
        engine.in(packet, now, attachment);
        emitCtinfo(e, now, attachment.state());
    }

    private void emitCtinfo(PacketEvent e, long now, CtInfo info) {
        if (emitCtinfo) {
            output.collect(
                    CTINFO,
                    new StreamRecord<>(new PacketCtInfo(
                            e.getHost(),
                            e.getPacketId(),
                            e.getHook().name(),
                            now,
                            info.stateName,
                            info.directionName())));
        }
    }

    /** @param previous what {@code packetId} held before this packet, if anything */
    private void remember(long packetId, PendingEntry previous, boolean fromLocalOut, long now) throws Exception {
        Conn ct = attachment.ct;
        long deadline = now + pendingTimeoutNs;
        PendingEntry p = ct.confirmed()
                ? new PendingEntry(attachment.ctinfo, fromLocalOut, false, null, ct.orig, deadline)
                : new PendingEntry(attachment.ctinfo, fromLocalOut, false, ct, null, deadline);
        if (previous != null) {
            discard(previous); // the same packet id seen twice at the entry hook: the newer wins
        } else {
            pendingCount++;
        }
        pending.put(packetId, p);
        storedDeadline = Math.min(storedDeadline, deadline);
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
        removed = true;
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

    private void confirmPending(long packetId, Hook hook, boolean drop, long now) throws Exception {
        PendingEntry p = pending.get(packetId);
        if (p == null) {
            // No entry was attached at the entry hook (invalid, untracked), or it is gone already.
            exitsWithoutEntry.inc();
            return;
        }
        PendingEntry sentOut = drop ? null : confirm(p, hook, now);
        if (drop) {
            discard(p);
        }
        if (sentOut != null) {
            // The host's own packet leaves with its entry; over loopback it comes back carrying it.
            pending.put(packetId, sentOut); // replaces p: one state write
            storedDeadline = Math.min(storedDeadline, sentOut.deadline);
        } else {
            pending.remove(packetId);
            pendingCount--;
            removed = true;
        }
    }

    /**
     * The confirm step for the entry {@code p} attached to its packet.
     *
     * @return what the packet carries on when it leaves the host with its entry (a packet the host
     *     sent, confirmed at POST_ROUTING), else null
     */
    private PendingEntry confirm(PendingEntry p, Hook hook, long now) {
        attachment.reset();
        attachment.ctinfo = p.ctinfo;
        if (p.unconfirmed != null) {
            attachment.ct = p.unconfirmed;
        } else {
            Conn ct = table.find(p.confirmedOrig);
            if (ct == null) {
                return null; // the entry died between the hooks (expired or killed): nothing to deliver
            }
            attachment.ct = ct;
        }
        engine.confirm(attachment, now);
        Conn sent = attachment.ct;
        if (hook != Hook.POST_ROUTING || !p.fromLocalOut || sent == null || !sent.confirmed() || attachment.dropped) {
            return null;
        }
        return new PendingEntry(p.ctinfo, true, true, null, sent.orig, now + pendingTimeoutNs);
    }

    // ------------------------------------------------------------------------------ expiry

    /** Expires every key of {@code h} whose arming its clock has reached. Leaves the current key changed. */
    private void expireDue(HostClocks.Host hostClock, String h) throws Exception {
        for (HostClocks.Due due = hostClock.pollDue(); due != null; due = hostClock.pollDue()) {
            setCurrentKey(due.key());
            timer.clear(); // this arming is used up; armAfterExpiry sets the next
            expireKey(hostClock, h);
        }
    }

    /**
     * Expires what is due in the current key by {@code clock}, deadline by deadline, so that each
     * DESTROY carries its own deadline as its time, then arms the key at its next deadline.
     */
    private void expireKey(HostClocks.Host hostClock, String h) throws Exception {
        while (true) {
            long next = earliestDeadline();
            if (next == Long.MAX_VALUE || next > hostClock.clock()) {
                armAfterExpiry(hostClock, h, next);
                return;
            }
            engine.expire(next);
            List<Long> lostIds = new ArrayList<>();
            List<PendingEntry> lost = new ArrayList<>();
            for (Iterator<Map.Entry<Long, PendingEntry>> it = pending.iterator(); it.hasNext(); ) {
                Map.Entry<Long, PendingEntry> en = it.next();
                if (en.getValue().deadline <= next) {
                    lostIds.add(en.getKey());
                    lost.add(en.getValue());
                }
            }
            for (int i = 0; i < lost.size(); i++) {
                forget(lostIds.get(i), lost.get(i));
            }
            finishElement(next, h);
        }
    }

    /** The earliest deadline (ns) among the current key's entries and pending packets. */
    private long earliestDeadline() throws Exception {
        long next = table.earliestDeadline();
        for (PendingEntry p : pending.values()) {
            next = Math.min(next, p.deadline);
        }
        return next;
    }

    private void armAfterExpiry(HostClocks.Host hostClock, String h, long next) throws Exception {
        if (next == Long.MAX_VALUE) {
            timer.clear();
            host.clear(); // the key holds nothing any more: leave no state behind
            return;
        }
        long ms = ceilDiv(next, NANOS_PER_MS);
        hostClock.arm((Long) getCurrentKey(), null, ms);
        armings++;
        timer.update(ms);
        host.update(h);
    }

    /**
     * After a packet: arms the key if what it changed is due before its arming (or it has none).
     * {@code earliest} is the earliest deadline among what the element stored. A deadline that
     * moved later costs nothing here. When the element removed something and the
     * key now holds nothing, its arming and host go.
     */
    private void armAfterElement(HostClocks.Host hostClock, String h, long earliest) throws Exception {
        if (earliest == Long.MAX_VALUE && !removed) {
            return; // nothing stored, nothing removed: the arming stands (no state read)
        }
        Long armed = timer.value();
        if (earliest != Long.MAX_VALUE) {
            long ms = ceilDiv(earliest, NANOS_PER_MS);
            if (armed == null || ms < armed) {
                hostClock.arm((Long) getCurrentKey(), armed, ms);
                armings++;
                timer.update(ms);
                if (armed == null) {
                    host.update(h);
                }
            }
            return;
        }
        if (removed && armed != null && table.isEmpty() && pending.isEmpty()) {
            hostClock.disarm((Long) getCurrentKey(), armed);
            timer.clear();
            host.clear();
        }
    }

    // ------------------------------------------------------------------------------ output

    /**
     * Emits the element's events and table updates and stores changed entries.
     *
     * @param hostName the host the key belongs to
     * @return the earliest deadline among the entries stored, {@code Long.MAX_VALUE} for none
     */
    private long finishElement(long now, String hostName) {
        String h = hostName == null ? "" : hostName;
        upserts.clear();
        for (ConnEvent ev : events) {
            output.collect(new StreamRecord<>(FlowEvents.fromConnEvent(ev, h)));
            eventsOut[ev.type.ordinal()].inc();
            if (ev.type == EventType.DESTROY) {
                removed = true;
            }
            if (tableUpdates == TableUpdates.OFF) {
                continue;
            }
            // An event carries its entry's own ORIGINAL tuple object: that finds the entry.
            if (ev.type == EventType.DESTROY) {
                upserts.removeIf(ct -> ct.orig == ev.orig);
                output.collect(TABLE, new StreamRecord<>(new TableUpdate(FlowEvents.tableKey(ev, h), null)));
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
                output.collect(
                        TABLE,
                        new StreamRecord<>(new TableUpdate(
                                FlowEvents.tableKey(dumped, h), FlowEvents.tableEntry(dumped, h, ct.timeout))));
            }
        }
        events.clear();
        return table.writeBack();
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private void deadLetter(InputRecord r, String reason) {
        deadLetters.inc();
        output.collect(DEAD_LETTERS, new StreamRecord<>(DeadLetters.of(r, reason)));
    }
}
