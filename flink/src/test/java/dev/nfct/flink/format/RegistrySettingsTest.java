package dev.nfct.flink.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nfct.avro.DeadLetter;
import dev.nfct.avro.PacketEvent;
import dev.nfct.flink.KafkaJobOptions;
import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.Default4ByteIdHandler;
import io.apicurio.registry.serde.Legacy8ByteIdHandler;
import io.apicurio.registry.serde.avro.strategy.QualifiedRecordIdStrategy;
import io.apicurio.registry.serde.avro.strategy.TopicRecordIdStrategy;
import io.apicurio.registry.serde.config.IdOption;
import io.apicurio.registry.serde.config.KafkaSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * Which serde configuration each option produces, read back through Apicurio's own config classes
 * (so a key we set is a key Apicurio reads), and which encoder/decoder each wire format makes.
 */
class RegistrySettingsTest {
    private static final String URL = "http://registry:8080/apis/registry/v3";

    /** Apicurio's view of a config map (its getters are what the serdes use). */
    private static final class Seen extends SerdeConfig {
        Seen(Map<String, ?> m) {
            super(m);
        }

        boolean headers() {
            return getBoolean(KafkaSerdeConfig.ENABLE_HEADERS);
        }
    }

    @Test
    void confluentCompatibleIsFourByteContentIdsInTheValue() {
        Seen c = new Seen(new RegistrySettings(URL, true, true, Map.of()).serdeConfig());
        assertThat(c.getRegistryUrl()).isEqualTo(URL);
        assertThat(c.getIdHandler()).isEqualTo(Default4ByteIdHandler.class.getName());
        assertThat(c.useIdOption()).isEqualTo(IdOption.contentId);
        assertThat(c.headers()).isFalse();
        assertThat(c.autoRegisterArtifact()).isTrue();
        assertThat(c.getArtifactResolverStrategy()).isEqualTo(TopicRecordIdStrategy.class.getName());
        assertThat(c.resolveDereferenced()).isTrue();
        assertThat(new RegistrySettings(URL, true, true, Map.of()).idSize()).isEqualTo(4);
    }

    @Test
    void apicurioIsEightByteGlobalIds() {
        RegistrySettings s = new RegistrySettings(URL, false, false, Map.of());
        Seen c = new Seen(s.serdeConfig());
        assertThat(c.getIdHandler()).isEqualTo(Legacy8ByteIdHandler.class.getName());
        assertThat(c.useIdOption()).isEqualTo(IdOption.globalId);
        assertThat(c.headers()).isFalse();
        assertThat(c.autoRegisterArtifact()).isFalse();
        assertThat(s.idSize()).isEqualTo(8);
    }

    @Test
    void extraSettingsPassThroughAndMayReplaceStrategyAndDereferencing() {
        Seen c = new Seen(new RegistrySettings(
                        URL,
                        true,
                        true,
                        Map.of(
                                SerdeConfig.ARTIFACT_RESOLVER_STRATEGY, QualifiedRecordIdStrategy.class.getName(),
                                SchemaResolverConfig.DEREFERENCE_SCHEMA, "false",
                                SchemaResolverConfig.AUTH_USERNAME, "nfct"))
                .serdeConfig());
        assertThat(c.getArtifactResolverStrategy()).isEqualTo(QualifiedRecordIdStrategy.class.getName());
        assertThat(c.resolveDereferenced()).isFalse();
        assertThat(c.getAuthUsername()).isEqualTo("nfct");
    }

    @Test
    void optionsWithTheirOwnSettingCannotComeThroughExtra() {
        for (String k : RegistrySettings.OWN_KEYS) {
            assertThatThrownBy(() -> new RegistrySettings(URL, true, true, Map.of(k, "x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(k);
        }
        assertThatThrownBy(() -> new RegistrySettings(" ", true, true, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringNamesTheFramingButNoExtraValues() {
        String s =
                new RegistrySettings(URL, true, true, Map.of(SchemaResolverConfig.AUTH_PASSWORD, "secret")).toString();
        assertThat(s)
                .contains("confluent")
                .contains(SchemaResolverConfig.AUTH_PASSWORD)
                .doesNotContain("secret");
        assertThat(new RegistrySettings(URL, false, true, Map.of()).toString()).contains("8-byte global id");
    }

    @Test
    void jobOptionsMapToTheValueFormat() {
        Configuration o = new Configuration();
        assertThat(KafkaJobOptions.valueFormat(o)).isEqualTo(ValueFormat.singleObject());
        o.set(KafkaJobOptions.FORMAT, WireFormat.REGISTRY);
        o.set(KafkaJobOptions.REGISTRY_URL, URL);
        assertThat(KafkaJobOptions.valueFormat(o).registrySettings())
                .isEqualTo(new RegistrySettings(URL, true, true, Map.of()));
        o.set(KafkaJobOptions.REGISTRY_FRAMING, KafkaJobOptions.RegistryFraming.APICURIO);
        o.set(KafkaJobOptions.REGISTRY_AUTO_REGISTER, false);
        o.setString(KafkaJobOptions.REGISTRY_PROPERTIES_PREFIX + SchemaResolverConfig.RETRY_COUNT, "1");
        assertThat(KafkaJobOptions.valueFormat(o).registrySettings())
                .isEqualTo(new RegistrySettings(URL, false, false, Map.of(SchemaResolverConfig.RETRY_COUNT, "1")));
        o.removeConfig(KafkaJobOptions.REGISTRY_URL);
        assertThatThrownBy(() -> KafkaJobOptions.valueFormat(o)).isInstanceOf(IllegalArgumentException.class);
        // registry settings without the registry format are a mistake, not silently ignored
        Configuration stray = new Configuration();
        stray.set(KafkaJobOptions.REGISTRY_URL, URL);
        assertThatThrownBy(() -> KafkaJobOptions.valueFormat(stray))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conntrack.format");
    }

    @Test
    void eachWireFormatMakesItsCodecsAndTheyTravelWithTheJobGraph() throws Exception {
        ValueFormat single = ValueFormat.singleObject();
        assertThat(single.encoder(DeadLetter.class)).isInstanceOf(ValueFormat.SingleObjectEncoder.class);
        assertThat(single.decoder(PacketEvent.class)).isInstanceOf(ValueFormat.SingleObjectDecoder.class);
        ValueFormat registry = ValueFormat.registry(new RegistrySettings(URL, true, true, Map.of()));
        assertThat(registry.encoder(DeadLetter.class)).isInstanceOf(RegistryValueEncoder.class);
        assertThat(registry.decoder(PacketEvent.class)).isInstanceOf(RegistryValueDecoder.class);
        // Built but not opened: nothing has contacted the registry, and all of it is Serializable.
        assertThat(InstantiationUtil.clone(registry)).isEqualTo(registry);
        assertThat(InstantiationUtil.clone(registry.encoder(DeadLetter.class))).isNotNull();
        assertThat(InstantiationUtil.clone(registry.decoder(PacketEvent.class))).isNotNull();
    }
}
