package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.flink.io.Topics;
import dev.nfct.kafka.EmbeddedKafka;
import dev.nfct.kafka.EmbeddedKafkaExtension;
import dev.nfct.kafka.TopicSetup;
import dev.nfct.testing.SharedData;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the compose stack's Grafana dashboard queries, and every metric an alert rule
 * (deploy/prometheus/nfct-alerts.yml, also in k8s/) names, is one the job really exports: the job
 * runs ({@code run}, bounded, over what {@code send} put in the embedded broker) with Flink's
 * Prometheus reporter on a loopback port, which is scraped while it runs; every {@code flink_*}
 * name in the dashboard's queries and the rules must have been among the scraped names, and the
 * job names they filter on among the exported ones.
 */
class DashboardMetricsITCase {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Pattern METRIC = Pattern.compile("\\b(flink_[A-Za-z0-9_]+)");

    @TempDir
    Path dir;

    /** The {@code flink_*} metric names the queries of a Grafana dashboard use. */
    static Set<String> queried(String dashboardJson) {
        Set<String> names = new TreeSet<>();
        Matcher expr =
                Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(dashboardJson);
        while (expr.find()) {
            Matcher m = METRIC.matcher(expr.group(1));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The {@code job_name} label values a dashboard's queries filter on. */
    static Set<String> queriedJobNames(String dashboardJson) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("job_name=\\\\\"([^\\\\\"]*)\\\\\"").matcher(dashboardJson);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The {@code flink_*} metric names and the {@code job_name} values of Prometheus rules. */
    static Set<String> alerted(String rulesYaml) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(rulesYaml);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static Set<String> alertedJobNames(String rulesYaml) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("job_name=\"([^\"]*)\"").matcher(rulesYaml);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The names a dashboard queries that were not exported. */
    static List<String> missing(String dashboardJson, Set<String> exported) {
        return queried(dashboardJson).stream()
                .filter(n -> !exported.contains(n))
                .toList();
    }

    @Test
    void everyMetricTheDashboardQueriesIsExportedByTheJob() throws Exception {
        String dashboard =
                Files.readString(SharedData.projectRoot().resolve("deploy/compose/grafana/dashboards/nfct.json"));
        assertThat(queried(dashboard)).as("metrics the dashboard queries").hasSizeGreaterThan(8);
        assertThat(queriedJobNames(dashboard))
                .as("job names the dashboard filters on")
                .isNotEmpty();
        String rules = Files.readString(SharedData.projectRoot().resolve("deploy/prometheus/nfct-alerts.yml"));
        assertThat(alerted(rules)).as("metrics the alerts use").hasSizeGreaterThan(8);

        EmbeddedKafka kafka = KAFKA.broker();
        String prefix = "metrics.";
        TopicSetup.createAll(Topics.defaults().withPrefix(prefix), kafka, 1);
        CommandRun send = CommandRun.of(
                SendCommand::run,
                "-b",
                kafka.bootstrapServers(),
                "--topic-prefix",
                prefix,
                "--pcap",
                SharedData.sample().toString(),
                "--host",
                "fw-1");
        assertThat(send.status).as(send.err).isZero();

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Set<String> exported = new ConcurrentSkipListSet<>();
        Set<String> jobNames = new ConcurrentSkipListSet<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread scraper = new Thread(() -> scrape(port, running, exported, jobNames), "scrape");
        scraper.start();
        CommandRun job;
        try {
            job = CommandRun.of(
                    RunCommand::run,
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--topic-prefix",
                    prefix,
                    "--checkpoint-interval",
                    "200ms",
                    "--checkpoint-dir",
                    dir.resolve("checkpoints").toUri().toString(),
                    "--set",
                    "conntrack.kafka.bounded=true",
                    "--set",
                    "metrics.reporter.prom.factory.class=org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                    "--set",
                    "metrics.reporter.prom.port=" + port,
                    "--set",
                    "metrics.reporter.prom.interval=100 ms");
        } finally {
            running.set(false);
            scraper.join(10_000);
        }
        assertThat(job.status).as(job.err).isZero();
        assertThat(exported).as("names scraped from the reporter").isNotEmpty();
        assertThat(missing(dashboard, exported))
                .as("dashboard metrics the job does not export")
                .isEmpty();
        // The reporter turns the job's name into a label value of its own (a space becomes '_').
        assertThat(jobNames).as("job names exported").containsAll(queriedJobNames(dashboard));
        assertThat(alerted(rules).stream().filter(n -> !exported.contains(n)))
                .as("alert metrics the job does not export")
                .isEmpty();
        assertThat(jobNames).as("job names exported").containsAll(alertedJobNames(rules));
    }

    @Test
    void aMetricTheJobDoesNotExportIsCaught() {
        String dashboard =
                "{\"panels\":[{\"targets\":[{\"expr\":\"sum(rate(flink_taskmanager_job_task_operator_conntrack_entriez[1m]))"
                        + " + flink_jobmanager_job_lastCheckpointDuration\"}]}]}";
        assertThat(missing(dashboard, Set.of("flink_jobmanager_job_lastCheckpointDuration")))
                .containsExactly("flink_taskmanager_job_task_operator_conntrack_entriez");
        String rule =
                "- alert: X\n  expr: increase(flink_jobmanager_job_numRestartz{job_name=\"nfct_conntrack\"}[5m]) > 0\n";
        assertThat(alerted(rule)).containsExactly("flink_jobmanager_job_numRestartz");
        assertThat(alertedJobNames(rule)).containsExactly("nfct_conntrack");
    }

    /** Polls the reporter's endpoint every 100 ms until stopped, collecting names and job names. */
    private static void scrape(int port, AtomicBoolean running, Set<String> names, Set<String> jobNames) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(2))
                .build();
        Pattern jobName = Pattern.compile("job_name=\"([^\"]*)\"");
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (running.get() && System.nanoTime() < deadline) {
            try {
                for (String line : http.send(get, HttpResponse.BodyHandlers.ofString())
                        .body()
                        .split("\n")) {
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    int end = line.indexOf('{');
                    names.add(line.substring(0, end > 0 ? end : line.indexOf(' ')));
                    Matcher m = jobName.matcher(line);
                    if (m.find()) {
                        jobNames.add(m.group(1));
                    }
                }
            } catch (IOException notYet) {
                // the reporter starts with the cluster
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
