package dev.nfct.flink;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.FlowEvent;
import dev.nfct.avro.Hook;
import dev.nfct.avro.PacketEvent;
import dev.nfct.avro.PacketVerdict;
import dev.nfct.avro.TableEntry;
import dev.nfct.core.Packet;
import dev.nfct.flink.operator.ConntrackOptions;
import dev.nfct.flink.operator.PacketCtInfo;
import dev.nfct.flink.records.HookEvents;
import dev.nfct.flink.records.InputRecord;
import dev.nfct.flink.records.TableUpdate;
import dev.nfct.packet.CaptureReader;
import dev.nfct.packet.CapturedDatagram;
import dev.nfct.replay.FrameVerdict;
import dev.nfct.replay.HookObservation;
import dev.nfct.replay.HookObservationReader;
import dev.nfct.replay.Timing;
import dev.nfct.schema.FlowKeys;
import dev.nfct.schema.PacketEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's in-process replay path: captures go through the real job graph (keyBy, the keyed
 * conntrack operator, its state and timers) on a Flink cluster, without Kafka. Each capture is its
 * own host, so one job replays many captures side by side without them meeting in a table.
 * Captures are replayed at top speed, all at one instant (the first capture's first packet time).
 */
public final class FlinkReplay {
    private FlinkReplay() {}

    /** What the job produced for one capture: its flow events in order, and its final table. */
    public static final class HostResult {
        public final List<FlowEvent> events = new ArrayList<>();
        /** Live entries by table key (tombstones applied), as the compacted topic would keep them. */
        public final Map<String, TableEntry> table = new LinkedHashMap<>();
        /** The replay instant (ns). */
        public long now;
        /**
         * {@code FRAME STATE DIRECTION} per IP frame, in frame order, as the engine's replay writes
         * it ({@code frag -} for fragments merged into another frame's datagram, {@code unseen -}
         * for fragments that never completed).
         */
        public final List<String> trace = new ArrayList<>();

        /** {@code FRAME: reason} of each packet the job sent to its dead letters. */
        public final List<String> deadLetters = new ArrayList<>();

        final java.util.TreeMap<Integer, FrameVerdict> frames = new java.util.TreeMap<>();
    }

    /**
     * Replays {@code captures} (host name to file) through the job on {@code env}.
     *
     * @return per host, in the order of {@code captures}
     */
    public static Map<String, HostResult> run(
            StreamExecutionEnvironment env, Map<String, Path> captures, ReadableConfig config) throws Exception {
        return run(env, captures, config, Timing.TOP);
    }

    /**
     * Replays {@code captures} (host name to file) through the job on {@code env}, at top speed or
     * in the captures' own timing. In capture timing every packet keeps its own time, and after
     * each capture its host's clock is moved a day on, so that every entry expires with its
     * DESTROY event, as the kernel's entries do when left alone (configure no out-of-orderness:
     * each capture is one host, in order).
     *
     * @return per host, in the order of {@code captures}
     */
    public static Map<String, HostResult> run(
            StreamExecutionEnvironment env, Map<String, Path> captures, ReadableConfig config, Timing timing)
            throws Exception {
        Map<String, HostResult> results = new LinkedHashMap<>();
        List<InputRecord> records = new ArrayList<>();
        // At top speed every capture is replayed at one shared instant: a capture takes no time,
        // and one instant for all keeps one capture's clock from expiring (or making late) another's.
        long instant = Long.MIN_VALUE;
        boolean checksums = config.get(ConntrackOptions.SYSCTLS.get("nf_conntrack_checksum")) == 1;
        for (var e : captures.entrySet()) {
            HostResult r = new HostResult();
            if (timing == Timing.CAPTURE) {
                r.now = read(e.getKey(), e.getValue(), checksums, true, 0, records, r);
                records.add(clockPacket(e.getKey(), r.now + DAY_NS));
            } else {
                instant = read(e.getKey(), e.getValue(), checksums, false, instant, records, r);
                r.now = instant;
            }
            results.put(e.getKey(), r);
        }
        return execute(env, records, config, results, (host, id, hook) -> (int) id);
    }

    /** Which frame of a host's input a packet id (seen at a hook) stands for. */
    @FunctionalInterface
    interface FrameOf {
        /** @return the frame number, or -1 for none */
        int frame(String host, long packetId, String hook);
    }

    /**
     * A host's hook recording: its observations ({@code LINKTYPE_NFLOG}, see
     * {@link HookObservationReader}), and the time its table was read.
     */
    public record Hooks(Path capture, long endNanos) {
        private static final java.util.regex.Pattern DUMP_NS =
                java.util.regex.Pattern.compile("\"dump_ns\"\\s*:\\s*(\\d+)");

        /**
         * The recording {@code NAME.pcap} with the end its {@code NAME.json} gives ({@code "dump_ns"}:
         * when the host's table was read).
         *
         * @throws IllegalArgumentException when the JSON file or its end is missing
         */
        public static Hooks beside(Path capture) throws IOException {
            String f = capture.getFileName().toString();
            Path meta = capture.resolveSibling(f.substring(0, f.lastIndexOf('.')) + ".json");
            if (!java.nio.file.Files.isRegularFile(meta)) {
                throw new IllegalArgumentException(meta + " is missing: it gives the recording's end (dump_ns)");
            }
            var m = DUMP_NS.matcher(java.nio.file.Files.readString(meta));
            if (!m.find()) {
                throw new IllegalArgumentException(meta + " has no \"dump_ns\"");
            }
            return new Hooks(capture, Long.parseLong(m.group(1)));
        }
    }

    /**
     * Replays hook recordings (host name to recording) through the job: each observation becomes
     * a PacketEvent at its hook, with its packet id and verdict and its own time, and at its
     * recording's end each host's clock moves to that end, so that what was due by then expires.
     * The per-packet trace has a line per entry-hook observation, numbered by its frame.
     *
     * @return per host, in the order of {@code recordings}
     */
    public static Map<String, HostResult> runHooks(
            StreamExecutionEnvironment env, Map<String, Hooks> recordings, ReadableConfig config) throws Exception {
        Map<String, HostResult> results = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> frames = new java.util.HashMap<>();
        List<InputRecord> records = new ArrayList<>();
        boolean checksums = config.get(ConntrackOptions.SYSCTLS.get("nf_conntrack_checksum")) == 1;
        for (var e : recordings.entrySet()) {
            HostResult r = new HostResult();
            Map<String, Integer> byId = new java.util.HashMap<>();
            String host = e.getKey();
            try (HookObservationReader reader =
                    HookObservationReader.open(e.getValue().capture(), checksums)) {
                for (HookObservation o; (o = reader.next()) != null; ) {
                    records.add(InputRecord.packet(HookEvents.of(o, host, o.timestampNanos())));
                    byId.putIfAbsent(o.packetId() + " " + o.hook().name(), o.frameNumber());
                }
            }
            r.now = e.getValue().endNanos();
            records.add(clockPacket(host, r.now));
            frames.put(host, byId);
            results.put(host, r);
        }
        return execute(env, records, config, results, (host, id, hook) -> {
            Integer f = frames.get(host).get(id + " " + hook);
            return f == null ? -1 : f;
        });
    }

    private static Map<String, HostResult> execute(
            StreamExecutionEnvironment env,
            List<InputRecord> records,
            ReadableConfig config,
            Map<String, HostResult> results,
            FrameOf frameOf)
            throws Exception {
        if (records.isEmpty()) {
            return results;
        }
        DataStream<InputRecord> input = env.fromData(records, InputRecord.typeInfo())
                .setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<InputRecord>forMonotonousTimestamps()
                        .withTimestampAssigner((rec, ts) -> rec.packet.getTimestampNs() / 1_000_000L))
                .setParallelism(1);
        ConntrackJob.Outputs out = ConntrackJob.build(input, config);
        // Sink parallelism 1 keeps one order per flow (the operator emits each flow's events in
        // order; a single writer appends them in the order they arrive).
        InProcessSink<FlowEvent> flowSink = InProcessSink.create();
        InProcessSink<TableUpdate> tableSink = InProcessSink.create();
        InProcessSink<PacketCtInfo> ctinfoSink = InProcessSink.create();
        InProcessSink<DeadLetter> deadSink = InProcessSink.create();
        try {
            out.flowEvents.sinkTo(flowSink).setParallelism(1).name("replay-flows");
            out.tableUpdates.sinkTo(tableSink).setParallelism(1).name("replay-table");
            out.packetCtinfo.sinkTo(ctinfoSink).setParallelism(1).name("replay-ctinfo");
            out.deadLetters.sinkTo(deadSink).setParallelism(1).name("replay-dead-letters");
            env.execute("nfct flink replay");
            for (PacketCtInfo c : ctinfoSink.queue()) {
                if (c.packetId == CLOCK_PACKET_ID) {
                    continue;
                }
                int frame = frameOf.frame(c.host, c.packetId, c.hook);
                results.get(c.host).frames.put(frame, new FrameVerdict(frame, c.state, c.direction));
            }
            // A packet the job refused never gets a ct state: its frame says so, instead of
            // silently missing from the trace, and the reason is kept.
            for (DeadLetter d : deadSink.queue()) {
                PacketEvent e = PacketEvent.getDecoder().decode(d.getValue().duplicate());
                HostResult r = results.get(e.getHost());
                int frame =
                        frameOf.frame(e.getHost(), e.getPacketId(), e.getHook().name());
                r.frames.put(frame, new FrameVerdict(frame, "dead-letter", "-"));
                r.deadLetters.add(frame + ": " + d.getReason());
            }
            for (HostResult r : results.values()) {
                r.frames.values().forEach(v -> r.trace.add(v.line()));
            }
            for (FlowEvent f : flowSink.queue()) {
                results.get(f.getHost()).events.add(f);
            }
            for (TableUpdate t : tableSink.queue()) {
                HostResult r = results.get(t.entry != null ? t.entry.getHost() : FlowKeys.host(t.key));
                if (t.entry == null) {
                    r.table.remove(t.key);
                } else {
                    r.table.put(t.key, t.entry);
                }
            }
        } finally {
            flowSink.release();
            tableSink.release();
            ctinfoSink.release();
            deadSink.release();
        }
        return results;
    }

    /** Packet id of the packet that moves a host's clock on at the end of its capture. */
    static final long CLOCK_PACKET_ID = Long.MAX_VALUE;

    private static final long DAY_NS = 86_400_000_000_000L;

    /**
     * A packet that changes nothing (an RST of no connection): placed a day after a capture's last
     * packet, it moves the host's clock past every deadline.
     */
    private static InputRecord clockPacket(String host, long at) {
        Packet rst = new Packet();
        rst.family = Packet.AF_INET;
        rst.srcLo = 0xC000_02FEL; // 192.0.2.254, a documentation address
        rst.dstLo = 0xC000_02FDL;
        rst.protocol = Packet.IPPROTO_TCP;
        rst.srcPort = 9;
        rst.dstPort = 9;
        rst.tcpFlags = Packet.TH_RST;
        rst.l3Length = 40;
        rst.l4Length = 20;
        rst.tcpDataOffset = 20;
        return InputRecord.packet(PacketEvents.fromPacket(rst, host, CLOCK_PACKET_ID, at));
    }

    /** Adds one datagram's observation; one dropped before the confirm becomes two (see read()). */
    private static void add(List<InputRecord> out, PacketEvent e, CapturedDatagram d) {
        if (d.droppedBeforeConfirm()) {
            e.setSeenOnce(false);
            out.add(InputRecord.packet(e));
            out.add(InputRecord.packet(PacketEvent.newBuilder(e)
                    .setHook(Hook.FORWARD)
                    .setVerdict(PacketVerdict.DROP)
                    .build()));
        } else {
            out.add(InputRecord.packet(e));
        }
    }

    /**
     * Adds a capture's packets, each with its frame number as packet id, and notes the frames that
     * never become a datagram. In its own time each packet keeps its capture time (and incomplete
     * fragments time out by it); otherwise every packet is stamped {@code instant}, the capture's
     * own first time if not set yet. Returns the last time stamped.
     */
    private static long read(
            String host,
            Path capture,
            boolean checksums,
            boolean ownTime,
            long instant,
            List<InputRecord> out,
            HostResult r)
            throws IOException {
        long last = instant;
        try (CaptureReader reader = CaptureReader.open(capture)) {
            reader.fragmentTimeoutsByCaptureTime(ownTime);
            reader.verifyChecksums(checksums);
            for (CapturedDatagram d; (d = reader.next()) != null; ) {
                if (ownTime) {
                    last = Math.max(last, d.timestampNanos());
                } else if (last == Long.MIN_VALUE) {
                    last = d.timestampNanos();
                }
                long at = ownTime ? d.timestampNanos() : last;
                // A datagram dropped before the confirm is seen at the entry hook, then dropped
                // before the exit hook: two observations of one packet, as a host reports a
                // packet its filter drops.
                add(out, PacketEvents.fromPacket(d.packet(), host, d.frameNumber(), at), d);
                for (int f : d.absorbedFrames()) {
                    r.frames.put(f, new FrameVerdict(f, "frag", "-"));
                }
            }
            for (int f : reader.unseenFrames()) {
                r.frames.put(f, new FrameVerdict(f, "unseen", "-"));
            }
        }
        return last;
    }
}
