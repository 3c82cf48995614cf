package dev.nfct.flink.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.kiota.ApiException;
import dev.nfct.avro.PacketEvent;
import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.SchemaParseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A registry that does not answer, with Apicurio's real HTTP client (Vert.x, Netty, Kiota): the
 * source fails (IOException, so Flink retries) rather than dead-lettering good records, and the
 * sinks fail. Also runs the client stack on our pinned dependency versions.
 */
class RegistryUnreachableTest {
    @AfterAll
    static void closeVertx() {
        Apicurio.closeVertx();
    }

    private static RegistrySettings nobodyListening() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free now, and nothing listens once closed
        }
        return new RegistrySettings(
                "http://127.0.0.1:" + port + "/apis/registry/v3",
                true,
                true,
                Map.of(SchemaResolverConfig.RETRY_COUNT, "0"));
    }

    @Test
    void theSourceFailsInsteadOfDeadLetteringGoodRecords() throws Exception {
        ValueDecoder<PacketEvent> dec = ValueFormat.registry(nobodyListening()).decoder(PacketEvent.class);
        dec.open(null);
        byte[] m = ByteBuffer.allocate(9).put((byte) 0).putInt(1).putInt(0).array();
        assertThatThrownBy(() -> dec.decodeOrNull("conntrack.packets", m, new StringBuilder()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not answer for content id 1");
    }

    @Test
    void theSinksFail() throws Exception {
        ValueEncoder<PacketEvent> enc = ValueFormat.registry(nobodyListening()).encoder(PacketEvent.class);
        enc.open(null);
        PacketEvent p = Samples.packets(1).get(0);
        assertThatThrownBy(() -> enc.encode("conntrack.packets", p))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot write PacketEvent");
    }

    private static final class Status extends ApiException {
        private static final long serialVersionUID = 1L;

        Status(int code) {
            setResponseStatusCode(code);
        }
    }

    @Test
    void onlyTheRegistrysNoIsTheRecordsFault() {
        assertThat(Apicurio.isPermanent(new RuntimeException(new Status(404)))).isTrue();
        assertThat(Apicurio.isPermanent(new SchemaParseException("bad schema"))).isTrue();
        assertThat(Apicurio.isPermanent(new RuntimeException(new Status(503)))).isFalse();
        assertThat(Apicurio.isPermanent(new RuntimeException(new Status(429)))).isFalse();
        assertThat(Apicurio.isPermanent(new RuntimeException(new ConnectException("refused"))))
                .isFalse();
    }
}
