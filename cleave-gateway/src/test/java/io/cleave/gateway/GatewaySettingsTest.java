package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.runtime.TomlConfig;
import io.cleave.spi.ConfigSection.ConfigError;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

    private static GatewaySettings read(String toml) {
        return GatewaySettings.read(TomlConfig.section("[gateway]\n" + toml, "gateway"));
    }

    @Test
    void everyKeyIsOptional() {
        GatewaySettings s = read("");

        assertThat(s.replicas()).isEqualTo(1);
        assertThat(s.upstreamTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.retries()).isEqualTo(1);
        assertThat(s.admission()).isInstanceOf(GatewaySettings.Admission.Gradient.class);
        assertThat(s.rateLimit()).isEmpty();
        assertThat(s.tls()).isEmpty();
        assertThat(s.accessLog()).isTrue();
    }

    @Test
    void anUnknownKeyIsRefusedWithTheClosestKnownOne() {
        assertThatThrownBy(() -> read("rate-limt = \"5/s\"\n"))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("cleave.toml:2")
                .hasMessageContaining("\"rate-limt\" is unknown")
                .hasMessageContaining("did you mean \"rate-limit\"");
    }

    @Test
    void aBadRateIsRefusedNamingTheKeyAndWhatIsValid() {
        assertThatThrownBy(() -> read("rate-limit = \"5 per second\"\n"))
                .isInstanceOf(ConfigError.class)
                .hasMessage("[gateway] rate-limit = \"5 per second\": expected requests per second or minute, such as"
                        + " \"100/s\" or \"600/min\" (at least 1)");
    }

    @Test
    void badValuesOfOtherKeysNameTheirKey() {
        Map<String, String> refused = Map.of(
                "replicas = 0", "[gateway] replicas = 0: expected at least 1",
                "concurrency-limit = \"lots\"", "[gateway] concurrency-limit = \"lots\": expected \"gradient\"",
                "rate-limit = \"1/s\"\nrate-limit-key = \"ip\"", "[gateway] rate-limit-key = \"ip\": expected \"address\"",
                "redis-url = \"localhost:6379\"", "[gateway] redis-url = \"localhost:6379\": expected redis://host:port",
                "max-body = \"lots\"", "[gateway] max-body = \"lots\": expected a number of bytes",
                "tls-key = \"/k.pem\"", "tls-certificate is missing",
                "rate-limit-burst = 10", "rate-limit-burst and rate-limit-key tune rate-limit, which is not set",
                "[gateway.routes.login]\nrate-limit = \"1/s\"", "[gateway.routes.login]: a route is a path prefix");

        refused.forEach((toml, message) -> assertThatThrownBy(() -> read(toml))
                .as(toml).isInstanceOf(ConfigError.class).hasMessageContaining(message));
    }

    @Test
    void aRouteLimitAppliesUnderItsPrefixOnly() {
        GatewaySettings s = read("rate-limit = \"100/s\"\n[gateway.routes.\"/api/login\"]\nrate-limit = \"5/s\"\n");

        assertThat(s.limitFor("/api/login").orElseThrow().text()).isEqualTo("5/s");
        assertThat(s.limitFor("/api/login/again").orElseThrow().text()).isEqualTo("5/s");
        assertThat(s.limitFor("/api/loginx").orElseThrow().text()).isEqualTo("100/s");
        assertThat(s.limitFor("/api/login").orElseThrow().burst()).isEqualTo(5);
    }

    @Test
    void aMissingTlsFileFailsTheCheckNamingKeyAndPath() {
        assertThatThrownBy(() -> new GatewayProvider().check(TomlConfig.section(
                "[gateway]\ntls-certificate = \"/nonexistent/tls.crt\"\ntls-key = \"/nonexistent/tls.key\"\n", "gateway"),
                Map.of()))
                .isInstanceOf(ConfigError.class)
                .hasMessage("[gateway] tls-certificate = \"/nonexistent/tls.crt\": cannot read it (no such file)");
    }

    @Test
    void aListenerAddressInUseIsRefusedSayingWhatHoldsIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // as the multi deployer passes it: host and port, unresolved
            InetSocketAddress address = InetSocketAddress.createUnresolved("127.0.0.1", taken.getLocalPort());

            assertThatThrownBy(() -> Gateways.provider().start("taken", TomlConfig.section("[gateway]\n", "gateway"),
                    Map.of("web", address), Gateways.TOKEN))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageEndingWith(": address already in use: another process listens on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
