package dev.nfct.flink;

import org.apache.flink.configuration.Configuration;

/**
 * The job's arguments under Flink ({@code flink run conntrack-job.jar ARGS}): Flink options, each as {@code --KEY VALUE}, {@code --KEY=VALUE} or
 * {@code -DKEY=VALUE}, e.g. {@code --conntrack.kafka.bootstrap-servers kafka:9092}. They are laid
 * over the cluster's own configuration.
 */
final class JobArgs {
    private JobArgs() {}

    static Configuration parse(String[] args) {
        Configuration conf = new Configuration();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String key;
            String value;
            if (a.startsWith("-D") && a.indexOf('=') > 2) {
                key = a.substring(2, a.indexOf('='));
                value = a.substring(a.indexOf('=') + 1);
            } else if (a.startsWith("--") && a.indexOf('=') > 2) {
                key = a.substring(2, a.indexOf('='));
                value = a.substring(a.indexOf('=') + 1);
            } else if (a.startsWith("--") && a.length() > 2 && i + 1 < args.length) {
                key = a.substring(2);
                value = args[++i];
            } else {
                throw new IllegalArgumentException("argument '" + a + "' is not --KEY VALUE, --KEY=VALUE or "
                        + "-DKEY=VALUE (KEY a Flink option, e.g. conntrack.kafka.bootstrap-servers)");
            }
            conf.setString(key, value);
        }
        return conf;
    }
}
