package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code events} command line without a broker: usage errors, help, an unreachable Kafka. */
class EventsCommandTest {
    private static CommandRun events(String... args) {
        return CommandRun.of(EventsCommand::run, args);
    }

    @Test
    void helpGoesToStdoutWithStatus0() {
        CommandRun r = events("--help");
        assertThat(r.status).isZero();
        assertThat(r.out)
                .startsWith("usage: events --bootstrap-servers HOST:PORT")
                .contains("--from-beginning")
                .contains("-e, --event-mask")
                .contains("--consumer-property");
        assertThat(r.err).isEmpty();
    }

    @Test
    void mainKnowsTheCommand() {
        assertThat(Main.usage()).contains("events --bootstrap-servers");
    }

    /** Each line: the options after {@code --bootstrap-servers 127.0.0.1:1}, and a part of the message. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "--no-such-option                 | unknown option '--no-such-option'",
                "-p                               | -p needs a value",
                "-p tcpx                          | protocol 'tcpx' is not one of",
                "-p 256                           | protocol '256'",
                "-e NEW,CHANGED                   | event type 'CHANGED' is not one of NEW, UPDATE, DESTROY",
                "-f ipv5                          | family 'ipv5' is not ipv4 or ipv6",
                "-s 10.0.0.300                    | -s/--src/--orig-src: '10.0.0.300' is not an IPv4 or IPv6 address",
                "-s example.com                   | -s/--src/--orig-src: 'example.com' is not an IPv4 or IPv6 address",
                "-d 10.0.0.0/33                   | the prefix length must be 0 to 32",
                "--addr 2001:db8::/129            | the prefix length must be 0 to 128",
                "-f ipv6 -s 10.0.0.1              | do not agree",
                "-s 10.0.0.1 -d 2001:db8::1       | do not agree",
                "--dport 65536                    | --dport/--orig-port-dst needs a port number 0-65535",
                "--sport http                     | --sport/--orig-port-src needs a port number",
                "--zone -1                        | --zone needs a zone number",
                "--mark 0x1/0xzz                  | --mark needs MARK[/MASK]",
                "-o xml                           | -o xml is not supported here",
                "-o fancy                         | -o takes extended, json, id or timestamp",
                "--count 0                        | -c/--count needs a whole number above 0",
                "--timeout soon                   | --timeout needs a number of seconds above 0",
                "--timeout 0                      | --timeout needs a number of seconds above 0",
                "-s 10.0.0.1 -s 10.0.0.2          | -s/--src/--orig-src is given more than once",
                "-s 10.0.0.1 --orig-src=10.0.0.2  | -s/--src/--orig-src is given more than once",
                "--topic a --topic-prefix b.      | give --topic or --topic-prefix, not both",
                "--topic bad/name                 | bad/name",
                "--consumer-property isolation.level=read_uncommitted | isolation.level cannot be set",
                "--consumer-property group.id=x   | group.id cannot be set (use --group)",
                "--consumer-property novalue      | --consumer-property needs KEY=VALUE",
            })
    void usageErrorsExitWith2AndSayWhy(String options, String message) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", "127.0.0.1:1"));
        args.addAll(Arrays.asList(options.trim().split(" +")));
        CommandRun r = events(args.toArray(String[]::new));
        assertThat(r.status).as(r.err).isEqualTo(2);
        assertThat(r.err).startsWith("events: ").contains(message.trim());
        assertThat(r.out).isEmpty();
    }

    @Test
    void bootstrapServersAreRequired() {
        CommandRun r = events("-p", "tcp");
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err).contains("--bootstrap-servers HOST:PORT is required").contains("see events --help");
        assertThat(r.err.lines()).as("one line").hasSize(1);
    }

    @Test
    void badConsumerPropertyValueIsAUsageError() {
        CommandRun r = events("--bootstrap-servers", "127.0.0.1:1", "--consumer-property", "max.poll.records=many");
        assertThat(r.status).as(r.err).isEqualTo(2);
        assertThat(r.err).contains("max.poll.records");
    }

    @Test
    void unreachableKafkaExits1WithinTheMetadataTimeout() {
        long t0 = System.nanoTime();
        CommandRun r = events("--bootstrap-servers", "127.0.0.1:1", "--metadata-timeout", "1", "--from-beginning");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err).contains("cannot reach Kafka at 127.0.0.1:1").contains("within 1 s");
        assertThat(r.out).isEmpty();
        assertThat(millis).isLessThan(10_000);
    }

    @Test
    void unresolvableBrokerNameExits1() {
        CommandRun r = events("--bootstrap-servers", "no-such-host.invalid:9092", "--metadata-timeout", "1");
        assertThat(r.status).as(r.err).isEqualTo(1);
        assertThat(r.err).contains("no-such-host.invalid");
    }
}
