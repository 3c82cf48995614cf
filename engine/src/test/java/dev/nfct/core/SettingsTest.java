package dev.nfct.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Settings take what the kernel takes, and name what they do not implement. */
class SettingsTest {
    @Test
    void onOffSysctlsTakeZeroOrOneAsTheKernelDoes() {
        Settings s = new Settings();
        for (String name : new String[] {
            "nf_conntrack_acct",
            "nf_conntrack_timestamp",
            "nf_conntrack_checksum",
            "nf_conntrack_tcp_loose",
            "nf_conntrack_tcp_be_liberal",
            "nf_conntrack_tcp_ignore_invalid_rst"
        }) {
            s.set(name, "1");
            s.set(name, "0");
            assertThatThrownBy(() -> s.set(name, "2"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(name)
                    .hasMessageContaining("0 to 1");
        }
        s.set("nf_conntrack_events", "2");
        assertThatThrownBy(() -> s.set("nf_conntrack_events", "3")).hasMessageContaining("0 to 2");
        s.set("nf_conntrack_tcp_max_retrans", "255");
        assertThatThrownBy(() -> s.set("nf_conntrack_tcp_max_retrans", "256")).hasMessageContaining("0 to 255");
        s.set("net.netfilter.nf_conntrack_tcp_timeout_established", "7200");
        assertThat(s.tcpTimeoutEstablished).isEqualTo(7200);
    }

    @Test
    void aKernelSysctlTheEngineDoesNotImplementIsNamedAsSuchInOneLine() {
        assertThatThrownBy(() -> new Settings().set("net.netfilter.nf_conntrack_buckets", "1024"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the kernel's nf_conntrack_buckets is not implemented by this engine")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> new Settings().set("nf_conntrack_foo", "1"))
                .hasMessageContaining("unknown conntrack setting 'nf_conntrack_foo'");
    }
}
