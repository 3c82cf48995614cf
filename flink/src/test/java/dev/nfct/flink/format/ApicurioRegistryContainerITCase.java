package dev.nfct.flink.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nfct.avro.PacketEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Our codecs against a real Apicurio Registry 3.1.2 over HTTP (Testcontainers), where the unit tests
 * use a map behind Apicurio's client interface: auto-registration, both framings, and the
 * Confluent-compatible API serving the 4-byte id we write as a Confluent schema id. Skipped where no
 * Docker engine is available.
 */
@Testcontainers(disabledWithoutDocker = true)
class ApicurioRegistryContainerITCase {
    @Container
    @SuppressWarnings("resource")
    static final GenericContainer<?> REGISTRY = new GenericContainer<>("apicurio/apicurio-registry:3.1.2")
            .withExposedPorts(8080)
            .waitingFor(
                    Wait.forHttp("/apis/registry/v3/system/info").forPort(8080).forStatusCode(200));

    @AfterAll
    static void closeVertx() {
        Apicurio.closeVertx();
    }

    private static String base() {
        return "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8080);
    }

    private static RegistrySettings settings(boolean confluent) {
        return new RegistrySettings(base() + "/apis/registry/v3", confluent, true, Map.of());
    }

    @Test
    void confluentFramingRoundTripsAndTheIdIsAConfluentSchemaId() throws Exception {
        List<PacketEvent> packets = Samples.packets(20);
        ValueEncoder<PacketEvent> enc = ValueFormat.registry(settings(true)).encoder(PacketEvent.class);
        ValueDecoder<PacketEvent> dec = ValueFormat.registry(settings(true)).decoder(PacketEvent.class);
        enc.open(null);
        dec.open(null);
        StringBuilder why = new StringBuilder();
        byte[] first = null;
        for (PacketEvent p : packets) {
            byte[] m = enc.encode("ct.packets", p);
            first = first == null ? m : first;
            assertThat(dec.decodeOrNull("ct.packets", m, why)).as("%s", why).isEqualTo(p);
        }
        int id = ByteBuffer.wrap(first, 1, 4).getInt();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> schema = http.send(
                HttpRequest.newBuilder(URI.create(base() + "/apis/ccompat/v7/schemas/ids/" + id))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(schema.statusCode()).isEqualTo(200);
        assertThat(schema.body()).contains("PacketEvent");
        HttpResponse<String> artifact = http.send(
                HttpRequest.newBuilder(URI.create(
                                base() + "/apis/registry/v3/groups/dev.nfct.avro/artifacts/ct.packets-PacketEvent"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(artifact.statusCode()).isEqualTo(200);
    }

    @Test
    void apicurioFramingRoundTrips() throws Exception {
        List<PacketEvent> packets = Samples.packets(5);
        ValueEncoder<PacketEvent> enc = ValueFormat.registry(settings(false)).encoder(PacketEvent.class);
        ValueDecoder<PacketEvent> dec = ValueFormat.registry(settings(false)).decoder(PacketEvent.class);
        enc.open(null);
        dec.open(null);
        for (PacketEvent p : packets) {
            byte[] m = enc.encode("ct.packets-legacy", p);
            assertThat(m).hasSizeGreaterThan(9);
            assertThat(dec.decodeOrNull("ct.packets-legacy", m, null)).isEqualTo(p);
        }
        StringBuilder why = new StringBuilder();
        byte[] unknown = ByteBuffer.allocate(12)
                .put((byte) 0)
                .putLong(987654321L)
                .put(new byte[3])
                .array();
        assertThat(dec.decodeOrNull("ct.packets-legacy", unknown, why)).isNull();
        assertThat(why.toString()).startsWith("unknown schema: global id 987654321");
    }
}
