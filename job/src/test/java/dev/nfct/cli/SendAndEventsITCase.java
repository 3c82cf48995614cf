package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.flink.io.Topics;
import dev.nfct.kafka.CommittedReader;
import dev.nfct.kafka.EmbeddedKafka;
import dev.nfct.kafka.EmbeddedKafkaExtension;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.testing.SharedData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The way users feed the job: {@code send} for two hosts whose clocks are 5 s apart, both at once
 * into one partition, the job ({@code run}) over what they sent, and {@code events} reading each
 * host's events back. Each host's events are exactly what {@code replay} prints for the capture,
 * and nothing went to dead letters: no host was judged by the other's clock.
 */
class SendAndEventsITCase {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path dir;

    @Test
    void twoHostsFiveSecondsApartOnOnePartitionEachGiveWhatReplayGives() throws Exception {
        EmbeddedKafka kafka = KAFKA.broker();
        String prefix = "skew.";
        Topics topics = Topics.defaults().withPrefix(prefix);
        TopicSetup.createAll(topics, kafka, 1);
        String sample = SharedData.sample().toString();
        String bootstrap = kafka.bootstrapServers();

        // Both at once, so that their records interleave in the one partition.
        var a = CompletableFuture.supplyAsync(() -> CommandRun.of(
                SendCommand::run,
                "--bootstrap-servers",
                bootstrap,
                "--pcap",
                sample,
                "--host",
                "host-a",
                "--topic-prefix",
                prefix,
                "--rate",
                "2000"));
        var b = CompletableFuture.supplyAsync(() -> CommandRun.of(
                SendCommand::run,
                "-b",
                bootstrap,
                "--pcap",
                sample,
                "--host",
                "host-b",
                "--topic-prefix",
                prefix,
                "--time-shift",
                "-5s",
                "--rate",
                "2000"));
        for (CommandRun send : List.of(a.get(), b.get())) {
            assertThat(send.status).as(send.err).isZero();
            assertThat(send.out).as("standard output stays empty").isEmpty();
            assertThat(send.err).contains("send: sent ");
        }

        runJobOverWhatWasSent(bootstrap, prefix, "--parallelism", "1");

        List<String> replay =
                CommandRun.of(ReplayCommand::run, "--pcap", sample).lines();
        assertThat(replay).isNotEmpty();
        for (String host : List.of("host-a", "host-b")) {
            assertThat(events(bootstrap, prefix, host)).as(host).containsExactlyElementsOf(replay);
        }
        assertThat(CommittedReader.readAll(topics.deadLetters(), kafka.clientConfig(), 0, Duration.ofSeconds(5)))
                .as("dead letters")
                .isEmpty();
    }

    /**
     * Two hosts on two partitions, one of them idle after its capture: the busy host's entries
     * expire by its own clock (a later connection moves it 300 s on), and the idle host's stay, as
     * its clock has not moved. No watermark waits for the idle partition, none expires its flows.
     */
    @Test
    void aBusyHostsEntriesExpireByItsClockWhileAnIdleHostOnAnotherPartitionKeepsItsOwn() throws Exception {
        EmbeddedKafka kafka = KAFKA.broker();
        String prefix = "idle.";
        Topics topics = Topics.defaults().withPrefix(prefix);
        TopicSetup.createAll(topics, kafka, 2);
        String busy = "busy-host";
        String idle = hostOnOtherPartition(busy, 2);
        Path sample = SharedData.sample();
        String bootstrap = kafka.bootstrapServers();
        long first = dev.nfct.packet.Captures.datagrams(sample).get(0).timestampNanos();
        Path later = dev.nfct.packet.ShortTcpCapture.write(dir.resolve("later.pcap"), 1);

        send(bootstrap, prefix, "--pcap", sample.toString(), "--host", busy);
        send(bootstrap, prefix, "--pcap", sample.toString(), "--host", idle);
        // starts at 0 s: shifted to 300 s after the sample's first packet
        send(bootstrap, prefix, "--pcap", later.toString(), "--host", busy, "--time-shift", laterShift(first));
        runJobOverWhatWasSent(bootstrap, prefix, "--parallelism", "1");

        List<String> replay =
                CommandRun.of(ReplayCommand::run, "--pcap", sample.toString()).lines();
        long flows = replay.stream().filter(l -> l.contains("[NEW]")).count();
        long closed = replay.stream().filter(l -> l.contains("[DESTROY]")).count();
        List<String> busyEvents = events(bootstrap, prefix, busy);
        assertThat(busyEvents.stream().filter(l -> l.contains("[DESTROY]")))
                .as("every flow of the busy host ended by its clock, and the later connection's did not")
                .hasSize((int) flows);
        assertThat(events(bootstrap, prefix, idle))
                .as("the idle host's entries live on")
                .containsExactlyInAnyOrderElementsOf(replay);
        assertThat(closed).isLessThan(flows);
    }

    /**
     * At parallelism 2 a host's flows are spread over both subtasks, and a later connection of the
     * host reaches only one of them: the other learns the host's time from the decode step's
     * broadcast, so every earlier flow of the host still expires.
     */
    @Test
    void atParallelismTwoEveryFlowExpiresByItsHostsClockWhicheverSubtaskHoldsIt() throws Exception {
        EmbeddedKafka kafka = KAFKA.broker();
        String prefix = "spread.";
        TopicSetup.createAll(Topics.defaults().withPrefix(prefix), kafka, 1);
        Path sample = SharedData.sample();
        String bootstrap = kafka.bootstrapServers();
        long first = dev.nfct.packet.Captures.datagrams(sample).get(0).timestampNanos();
        Path later = dev.nfct.packet.ShortTcpCapture.write(dir.resolve("later.pcap"), 1);
        send(bootstrap, prefix, "--pcap", sample.toString(), "--host", "spread-host");
        send(bootstrap, prefix, "--pcap", later.toString(), "--host", "spread-host", "--time-shift", laterShift(first));
        runJobOverWhatWasSent(bootstrap, prefix, "--parallelism", "2");
        long flows = CommandRun.of(ReplayCommand::run, "--pcap", sample.toString()).lines().stream()
                .filter(l -> l.contains("[NEW]"))
                .count();
        assertThat(events(bootstrap, prefix, "spread-host").stream().filter(l -> l.contains("[DESTROY]")))
                .hasSize((int) flows);
    }

    /** {@code send} to the topics of {@code prefix}, which must succeed. */
    private static void send(String bootstrap, String prefix, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("-b", bootstrap, "--topic-prefix", prefix));
        argv.addAll(List.of(args));
        CommandRun r = CommandRun.of(SendCommand::run, argv.toArray(String[]::new));
        assertThat(r.status).as(r.err).isZero();
    }

    /** The shift that puts a capture starting at 0 s 300 s after {@code firstNs}. */
    private static String laterShift(long firstNs) {
        return (firstNs / 1_000_000 + 300_000) + "ms";
    }

    /** {@code run} over what the packet topic holds, then stops; sysctls as replay's defaults. */
    private void runJobOverWhatWasSent(String bootstrap, String prefix, String... more) {
        List<String> argv = new java.util.ArrayList<>(List.of(
                "--bootstrap-servers",
                bootstrap,
                "--topic-prefix",
                prefix,
                "--checkpoint-interval",
                "300ms",
                "--checkpoint-dir",
                dir.resolve("checkpoints-" + prefix).toUri().toString(),
                "--set",
                "conntrack.kafka.bounded=true",
                "--set",
                "conntrack.nf_conntrack_acct=1", // counters and delta-time on DESTROY, as replay
                "--set",
                "conntrack.nf_conntrack_timestamp=1"));
        argv.addAll(List.of(more));
        CommandRun job = CommandRun.of(RunCommand::run, argv.toArray(String[]::new));
        assertThat(job.status).as(job.err).isZero();
    }

    private static List<String> events(String bootstrap, String prefix, String host) {
        CommandRun events = CommandRun.of(
                EventsCommand::run,
                "-b",
                bootstrap,
                "--topic-prefix",
                prefix,
                "--from-beginning",
                "--host",
                host,
                "-o",
                "extended",
                "--timeout",
                "3");
        assertThat(events.status).as(events.err).isZero();
        return events.lines();
    }

    /** A host name whose records Kafka's default partitioner puts in another partition than {@code host}'s. */
    private static String hostOnOtherPartition(String host, int partitions) {
        for (int i = 0; ; i++) {
            String other = "idle-host-" + i;
            if (partition(other, partitions) != partition(host, partitions)) {
                return other;
            }
        }
    }

    private static int partition(String key, int partitions) {
        byte[] k = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(k))
                % partitions;
    }
}
