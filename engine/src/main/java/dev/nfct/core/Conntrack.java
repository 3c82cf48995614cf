package dev.nfct.core;

/**
 * The connection tracking engine: the entry path ({@link #in}, the kernel's {@code nf_conntrack_in}),
 * the confirm path ({@link #confirm}, {@code nf_confirm}), expiry and kills, and event delivery.
 *
 * <p>Deterministic and single-threaded: the same packets at the same (event) times give the same
 * table and the same events. Time never comes from the wall clock; every call carries {@code now}
 * in nanoseconds of the packets' own clock.
 *
 * <p>Typical use for a forwarded packet: {@code in(p, now, r)} at PRE_ROUTING, then
 * {@code confirm(r, now)} at POST_ROUTING, or {@code dropped(r)} if the packet dies in between.
 */
public final class Conntrack {
    private static final long NANOS = 1_000_000_000L;

    private final Settings settings;
    private final ConnTable table;
    private final EventListener listener;
    private final ProtocolTrackers trackers;
    /** What the trackers see of the engine. */
    private final TrackerContext context = new Context();

    private final Stats stats = new Stats();
    /** Entries in existence, unconfirmed ones included (the kernel's nf_conntrack_count). */
    private int count;

    private long serial;
    private final long idSeed;

    /**
     * @param trackers the protocol trackers, usually {@code Trackers.standard(settings)} (they read
     *     the same settings)
     */
    public Conntrack(Settings settings, ProtocolTrackers trackers, ConnTable table, EventListener listener) {
        this(settings, trackers, table, listener, 0x5eed_c0de_2026L);
    }

    /** @param idSeed seeds entry ids, so that ids differ between runs that want them to */
    public Conntrack(
            Settings settings, ProtocolTrackers trackers, ConnTable table, EventListener listener, long idSeed) {
        this.settings = settings;
        this.trackers = trackers;
        this.table = table;
        this.listener = listener;
        this.idSeed = idSeed;
    }

    public Settings settings() {
        return settings;
    }

    public Stats stats() {
        return stats;
    }

    public ConnTable table() {
        return table;
    }

    /** Entries in existence, including unconfirmed ones still riding with a packet. */
    public int count() {
        return count;
    }

    /**
     * Counts entries that exist from before this engine: a table restored from a snapshot. They
     * count as if created here, so {@link #count()} and the {@code nf_conntrack_max} check stay right.
     */
    public void countRestored(int entries) {
        count += entries;
    }

    /** How many ids this engine has handed out (with its seed, the position in its id sequence). */
    public long idSerial() {
        return serial;
    }

    /**
     * Continues the id sequence after {@code serial}, so an engine that takes over restored entries
     * hands out none of the ids an engine with the same seed handed out before.
     */
    public void resumeIdsAfter(long serial) {
        this.serial = Math.max(this.serial, serial);
    }

    /** What the trackers see of this engine (for tests that drive a tracker directly). */
    TrackerContext context() {
        return context;
    }

    public ProtocolTracker tracker(int protocol) {
        return trackers.get(protocol);
    }

    // ------------------------------------------------------------------------------ entry path

    /**
     * The entry hook: finds or creates the packet's entry, runs its protocol tracker and records
     * the outcome in {@code r}. State changes made here stay even if the packet is later dropped.
     */
    public void in(Packet p, long now, PacketCt r) {
        int zone = r.zone;
        r.ct = null;
        r.ctinfo = CtInfo.INVALID;
        r.dropped = false;
        if (p.noTransportHeader()) {
            stats.invalid++;
            return;
        }
        ProtocolTracker tracker = trackers.get(p.protocol);
        if (tracker.inspectsErrors()) {
            int pre = tracker.error(p, zone, now, r, context);
            if (pre == ProtocolTracker.REJECTED) {
                stats.error++;
                return;
            }
            if (pre == ProtocolTracker.HANDLED) {
                return; // attached as RELATED, or marked UNTRACKED
            }
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            // The packet is looked up by its fields: a Tuple is only built when it creates an entry.
            long l4 = tracker.l4Words(p);
            if (l4 < 0) {
                stats.invalid++;
                return;
            }
            int words = (int) l4, tupleZone = zone & 0xffff;
            Conn ct = live(
                    table.find(
                            p.family,
                            p.protocol,
                            p.srcHi,
                            p.srcLo,
                            p.dstHi,
                            p.dstLo,
                            words >>> 16,
                            words & 0xffff,
                            tupleZone),
                    now);
            int dir;
            CtInfo ctinfo;
            if (ct == null) {
                ct = create(tracker, Tuple.ofPacket(p, words, zone), p, now, r);
                if (ct == null) {
                    return; // invalid or dropped; r and stats already say which
                }
                dir = 0;
                ctinfo = ct.is(Status.EXPECTED) ? CtInfo.RELATED : CtInfo.NEW;
            } else {
                dir = ct.dirOf(p.family, p.protocol, p.srcHi, p.srcLo, p.dstHi, p.dstLo, words, tupleZone);
                if (dir < 0) {
                    throw new IllegalStateException("the table returned " + ct + " for a packet it does not match");
                }
                ctinfo = dir == 1
                        ? CtInfo.ESTABLISHED_REPLY
                        : ct.is(Status.SEEN_REPLY)
                                ? CtInfo.ESTABLISHED
                                : ct.is(Status.EXPECTED) ? CtInfo.RELATED : CtInfo.NEW;
            }
            Verdict v = tracker.packet(ct, p, dir, ctinfo, context, now);
            if (v == Verdict.REPEAT) {
                continue;
            }
            if (v != Verdict.ACCEPT) {
                stats.invalid++;
                if (v == Verdict.DROP) {
                    stats.drop++;
                    r.dropped = true;
                }
                if (!ct.confirmed()) {
                    discard(ct);
                }
                return;
            }
            if (ctinfo == CtInfo.ESTABLISHED_REPLY && !ct.is(Status.SEEN_REPLY)) {
                ct.status |= Status.SEEN_REPLY;
                cacheEvent(ct, EventBits.REPLY);
            }
            r.ct = ct;
            r.ctinfo = ctinfo;
            return;
        }
        // A second REPEAT cannot happen: the first one removed the entry it complained about.
        throw new IllegalStateException("tracker asked to repeat twice for " + p.protocol);
    }

    /** Looks a tuple up among confirmed entries, reaping an expired entry met on the way. */
    public Conn lookup(Tuple tuple, long now) {
        return live(table.find(tuple), now);
    }

    /** The entry the table gave, or null when there was none or it had expired (it is reaped then). */
    private Conn live(Conn found, long now) {
        if (found != null && found.expiredAt(now)) {
            kill(found, now);
            return null;
        }
        return found;
    }

    private Conn create(ProtocolTracker tracker, Tuple tuple, Packet p, long now, PacketCt r) {
        Tuple reply = tracker.invert(tuple);
        if (reply == null) {
            stats.invalid++;
            return null;
        }
        // nf_conntrack_max = 0 means no limit, as in the kernel.
        if (settings.max != 0 && count + 1 > settings.max && !earlyDrop(now)) {
            // Table full and nothing could be sacrificed: the kernel drops the packet.
            stats.drop++;
            r.dropped = true;
            return null;
        }
        boolean ecache = settings.events == 1 || (settings.events == 2 && listener != null);
        Conn ct = tracker.entryType()
                .newEntry(tuple, reply, nextId(), 0, settings.acct == 1, settings.timestamp == 1, ecache);
        count++;
        if (!tracker.newConn(ct, p, context, now)) {
            discard(ct);
            stats.invalid++;
            return null;
        }
        return ct;
    }

    private boolean earlyDrop(long now) {
        Conn victim = table.earlyDropCandidate();
        if (victim == null) {
            return false;
        }
        kill(victim, now);
        stats.earlyDrop++;
        return true;
    }

    private int nextId() {
        long h = (++serial) * 0x9E3779B97F4A7C15L ^ idSeed;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (int) h;
    }

    /** Frees an entry that never made it into the table. */
    private void discard(Conn ct) {
        ct.status |= Status.DYING;
        count--;
    }

    // ------------------------------------------------------------------------------ confirm path

    /**
     * The confirm hook (POST_ROUTING / LOCAL_IN): inserts a new entry into the table and then
     * delivers the entry's cached events. Runs for every packet that carries an entry.
     */
    public void confirm(PacketCt r, long now) {
        Conn ct = r.ct;
        if (ct == null || r.dropped) {
            return;
        }
        if (!ct.confirmed()) {
            if (r.ctinfo.reply) {
                return; // only an original-direction packet can confirm
            }
            if (ct.is(Status.DYING)) {
                stats.insertFailed++;
                stats.drop++;
                r.dropped = true;
                return;
            }
            Conn winner = lookup(ct.orig, now);
            if (winner == null) {
                winner = lookup(ct.reply, now);
            }
            if (winner != null) {
                resolveClash(ct, winner, r, now);
                if (r.dropped) {
                    return;
                }
                ct = r.ct;
            } else {
                ct.timeout = now + ct.timeout;
                if (ct.hasTimestamp) {
                    ct.start = now;
                }
                ct.status |= Status.CONFIRMED;
                table.insert(ct);
                cacheEvent(ct, ct.is(Status.EXPECTED) ? EventBits.RELATED : EventBits.NEW);
            }
        }
        deliver(ct, now);
    }

    /**
     * The packet died between the entry and the confirm hook. An unconfirmed entry goes with it
     * (no event, no trace); a confirmed one keeps every change the entry hook made.
     */
    public void dropped(PacketCt r) {
        if (r.ct != null && !r.ct.confirmed() && !r.ct.is(Status.DYING)) {
            discard(r.ct);
        }
        r.ct = null;
    }

    /** Convenience for a packet seen once and forwarded: entry hook and confirm back to back. */
    public CtInfo forward(Packet p, long now, PacketCt r) {
        in(p, now, r);
        confirm(r, now);
        return r.state();
    }

    private void resolveClash(Conn loser, Conn winner, PacketCt r, long now) {
        ProtocolTracker tracker = trackers.get(loser.protocol());
        boolean sameFlow = (winner.orig.equals(loser.orig) && winner.reply.equals(loser.reply))
                || (winner.orig.equals(loser.reply) && winner.reply.equals(loser.orig));
        if (!tracker.allowsClash() || !sameFlow) {
            stats.drop++;
            stats.insertFailed++;
            r.dropped = true;
            discard(loser);
            return;
        }
        // Merge: the packet continues on the winner with its own ctinfo; the loser's bytes for
        // this direction are added to the winner as one packet.
        if (winner.acct != null && loser.acct != null) {
            int d = r.ctinfo.dir() * 2;
            winner.acct[d] += 1;
            winner.acct[d + 1] += loser.acct[d + 1];
        }
        discard(loser);
        stats.clashResolve++;
        r.ct = winner;
    }

    // ------------------------------------------------------------------------------ for trackers
    // Package-private: trackers reach these through the TrackerContext only.

    /**
     * A valid packet: set the timeout to {@code timeoutSeconds} from now (unless the entry has a
     * fixed timeout) and count the packet.
     */
    void refresh(Conn ct, int dir, int bytes, int timeoutSeconds, long now) {
        if (!ct.is(Status.FIXED_TIMEOUT)) {
            setTimeout(ct, timeoutSeconds, now);
        }
        account(ct, dir, bytes);
    }

    /** Sets the timeout without counting (relative while unconfirmed, absolute afterwards). */
    void setTimeout(Conn ct, int timeoutSeconds, long now) {
        long t = timeoutSeconds * NANOS;
        if (ct.confirmed()) {
            ct.timeout = now + t;
            table.deadlineChanged(ct);
        } else {
            ct.timeout = t;
        }
    }

    void account(Conn ct, int dir, int bytes) {
        if (ct.acct != null) {
            ct.acct[dir * 2] += 1;
            ct.acct[dir * 2 + 1] += bytes;
        }
    }

    /** Sets ASSURED (never cleared) and caches the event. */
    void assure(Conn ct) {
        if (!ct.is(Status.ASSURED)) {
            ct.status |= Status.ASSURED;
            cacheEvent(ct, EventBits.ASSURED);
            if (ct.confirmed()) {
                table.assured(ct);
            }
        }
    }

    void cacheEvent(Conn ct, int bits) {
        ct.ecache |= bits;
    }

    /**
     * Deletes an entry, as {@code conntrack -D} does: marks it DYING, stamps {@code stop}
     * (back-dated to the deadline when the entry had already expired), sends DESTROY at once and
     * unlinks it.
     *
     * @return false when it was already dying
     */
    public boolean kill(Conn ct, long now) {
        if (ct.is(Status.DYING)) {
            return false;
        }
        ct.status |= Status.DYING;
        if (!ct.confirmed()) {
            count--;
            return true;
        }
        if (ct.hasTimestamp) {
            ct.stop = ct.timeout <= now ? ct.timeout : now;
        }
        if (ct.hasEcache && listener != null) {
            listener.onEvent(snapshot(ct, EventBits.DESTROY, now));
        }
        table.remove(ct);
        count--;
        return true;
    }

    // ------------------------------------------------------------------------------ time and flush

    /** Expires every entry whose deadline is at or before {@code now}, each with its DESTROY. */
    public int expire(long now) {
        int n = 0;
        for (Conn ct = table.pollExpired(now); ct != null; ct = table.pollExpired(now)) {
            if (kill(ct, now)) {
                n++;
            }
        }
        return n;
    }

    /** Deletes every entry, as {@code conntrack -F} does. */
    public int flush(long now) {
        java.util.List<Conn> all = new java.util.ArrayList<>(table.size());
        table.forEach(all::add);
        for (Conn ct : all) {
            kill(ct, now);
        }
        return all.size();
    }

    // ------------------------------------------------------------------------------ events

    /** Sends the entry's cached events; {@link #confirm} calls it with a confirmed entry only. */
    private void deliver(Conn ct, long now) {
        if (ct.is(Status.DYING)) {
            return;
        }
        int bits = ct.ecache;
        if (bits == 0) {
            return;
        }
        ct.ecache = 0;
        if (ct.hasEcache && listener != null) {
            listener.onEvent(snapshot(ct, bits, now));
        }
    }

    /** The message the kernel would build for this entry and these bits, read now. */
    public ConnEvent snapshot(Conn ct, int bits, long now) {
        EventType type = EventType.of(bits);
        boolean destroy = type == EventType.DESTROY;
        String state = destroy || (bits & EventBits.PROTOINFO) != 0
                ? trackers.get(ct.protocol()).stateName(ct)
                : null;
        long remaining = ct.remainingSeconds(now);
        long timeout = destroy ? (remaining > 0 ? remaining : -1) : remaining;
        long[] counters = destroy && ct.acct != null ? ct.acct.clone() : null;
        return new ConnEvent(
                type,
                bits,
                now,
                ct.orig,
                ct.reply,
                ct.status,
                state,
                timeout,
                counters,
                ct.hasTimestamp,
                ct.start,
                ct.stop,
                ct.id,
                ct.mark);
    }

    /** The entry as a dump ({@code conntrack -L}) shows it: everything, read now. */
    public ConnEvent dumpEntry(Conn ct, long now) {
        long[] counters = ct.acct != null ? ct.acct.clone() : null;
        return new ConnEvent(
                null,
                0,
                now,
                ct.orig,
                ct.reply,
                ct.status,
                trackers.get(ct.protocol()).stateName(ct),
                ct.remainingSeconds(now),
                counters,
                ct.hasTimestamp,
                ct.start,
                ct.stop,
                ct.id,
                ct.mark);
    }

    /** The engine as its trackers see it. */
    private final class Context implements TrackerContext {
        @Override
        public void refresh(Conn ct, int dir, int bytes, int timeoutSeconds, long now) {
            Conntrack.this.refresh(ct, dir, bytes, timeoutSeconds, now);
        }

        @Override
        public void setTimeout(Conn ct, int timeoutSeconds, long now) {
            Conntrack.this.setTimeout(ct, timeoutSeconds, now);
        }

        @Override
        public void account(Conn ct, int dir, int bytes) {
            Conntrack.this.account(ct, dir, bytes);
        }

        @Override
        public void assure(Conn ct) {
            Conntrack.this.assure(ct);
        }

        @Override
        public void cacheEvent(Conn ct, int bits) {
            Conntrack.this.cacheEvent(ct, bits);
        }

        @Override
        public boolean kill(Conn ct, long now) {
            return Conntrack.this.kill(ct, now);
        }

        @Override
        public Conn lookup(Tuple t, long now) {
            return Conntrack.this.lookup(t, now);
        }
    }
}
