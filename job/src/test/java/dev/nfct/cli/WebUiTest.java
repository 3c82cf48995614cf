package dev.nfct.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The demo's web UI: loopback by default, and the port it prints is the one it will have. */
class WebUiTest {
    @Test
    void loopbackByDefaultOnAFreePort() {
        WebUi ui = WebUi.choose("127.0.0.1", null);
        assertThat(ui.address()).isEqualTo("127.0.0.1");
        assertThat(ui.port()).isBetween(WebUi.FIRST_PORT, WebUi.LAST_PORT);
        assertThat(ui.url()).isEqualTo("http://127.0.0.1:" + ui.port());
    }

    @Test
    void aTakenPortIsSkippedAndTheOneChosenIsTheOnePrinted() throws Exception {
        WebUi first = WebUi.choose("127.0.0.1", null);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), first.port()));
            WebUi next = WebUi.choose("127.0.0.1", null);
            assertThat(next.port()).isNotEqualTo(first.port());
            assertThatThrownBy(() -> WebUi.choose("127.0.0.1", Integer.toString(first.port())))
                    .hasMessage("--web-port " + first.port() + " is in use on 127.0.0.1");
        }
    }

    @Test
    void wrongValuesAreUsageErrors() {
        assertThatThrownBy(() -> WebUi.choose("127.0.0.1", "0")).hasMessageContaining("from 1 to 65535");
        assertThatThrownBy(() -> WebUi.choose("no-such-host.invalid", null)).hasMessageContaining("--web-address");
        assertThat(new WebUi("::1", 8081).url()).isEqualTo("http://[::1]:8081");
    }
}
