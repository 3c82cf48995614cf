package dev.nfct.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

class LoggingConfigTest {
    @Test
    void testsUseTheTestConfiguration() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        // ours, not the log4j2-test.properties of Flink's test jars
        assertThat(context.getConfiguration().getConfigurationSource().getLocation())
                .endsWith("log4j2-test.properties")
                .doesNotContain(".jar");
        assertThat(context.getConfiguration().getRootLogger().getLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void theShippedConfigurationKeepsStdoutFreeForEvents() throws Exception {
        URL url = getClass().getClassLoader().getResource("log4j2.properties");
        assertThat(url).isNotNull();
        assertThat(url.toString()).doesNotContain(".jar!");
        Configuration config;
        try (InputStream in = url.openStream()) {
            LoggerContext context = new LoggerContext("shipped-config-check");
            config = new PropertiesConfigurationFactory().getConfiguration(context, new ConfigurationSource(in, url));
            config.initialize();
        }
        assertThat(config.getAppenders()).isNotEmpty();
        for (Appender appender : config.getAppenders().values()) {
            assertThat(appender).isInstanceOf(ConsoleAppender.class);
            assertThat(((ConsoleAppender) appender).getTarget()).isEqualTo(ConsoleAppender.Target.SYSTEM_ERR);
        }
        assertThat(config.getRootLogger().getLevel()).isEqualTo(Level.WARN);
        assertThat(config.getLoggerConfig("dev.nfct.kafka").getLevel()).isEqualTo(Level.INFO);
        assertThat(config.getLoggerConfig("org.apache.kafka.clients.NetworkClient")
                        .getLevel())
                .isEqualTo(Level.WARN);
        assertThat(config.getLoggerConfig("kafka.server.BrokerServer").getLevel())
                .isEqualTo(Level.WARN);
        assertThat(config.getLoggerConfig("org.apache.flink.runtime").getLevel())
                .isEqualTo(Level.WARN);

        // the two harmless warnings of every embedded broker start and stop are dropped, no others
        assertThat(filtered(
                        config,
                        "org.apache.kafka.clients.NetworkClient",
                        "[NodeToControllerChannelManager id=1 "
                                + "name=registration] Attempting to close NetworkClient that has already been closed."))
                .isTrue();
        assertThat(filtered(
                        config,
                        "org.apache.kafka.clients.NetworkClient",
                        "[Producer clientId=p] Connection to "
                                + "node 1 (/127.0.0.1:9092) could not be established. Node may not be available."))
                .isFalse();
        assertThat(
                        filtered(
                                config,
                                "org.apache.kafka.controller.QuorumController",
                                "[QuorumController id=1] Performing "
                                        + "controller activation. The metadata log appears to be empty. Appending 4 bootstrap record(s)"))
                .isTrue();
        assertThat(filtered(
                        config,
                        "org.apache.kafka.controller.QuorumController",
                        "[QuorumController id=1] " + "something else"))
                .isFalse();
    }

    private static boolean filtered(Configuration config, String logger, String message) {
        LoggerConfig loggerConfig = config.getLoggerConfig(logger);
        assertThat(loggerConfig.getName()).isEqualTo(logger);
        LogEvent event = Log4jLogEvent.newBuilder()
                .setLoggerName(logger)
                .setLevel(Level.WARN)
                .setMessage(new SimpleMessage(message))
                .build();
        return loggerConfig.isFiltered(event);
    }
}
