package io.cleave.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Listener;
import io.cleave.spi.ConfigSection.ConfigError;
import io.cleave.spi.testing.AppPreparation;
import io.cleave.spi.testing.MapConfigSection;
import io.cleave.web.ListenerSettings.Concurrency;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading {@code [listeners] web = "host:port"} and {@code [listeners.web]} tables: every key, every refusal. */
class ListenerSettingsTest {

    private static ListenerSettings read(Object web) {
        Map<String, Map<String, Object>> sections = Map.of("listeners", Map.of("web", web));
        return ListenerSettings.read("web", MapConfigSection.at(sections, "listeners"),
                path -> MapConfigSection.at(sections, path)).orElseThrow();
    }

    private static ListenerSettings table(Object... keysAndValues) {
        Map<String, Object> table = new HashMap<>();
        table.put("address", "127.0.0.1:0");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            table.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return read(table);
    }

    @Test
    void theStringFormKeepsTheDefaults() {
        ListenerSettings s = read("0.0.0.0:8080");

        assertThat(s.address()).isEqualTo(new ListenerAddress("0.0.0.0", 8080));
        assertThat(s.origin()).isEqualTo("[listeners] web");
        assertThat(s.tls()).isEmpty();
        assertThat(s.maxBody()).isEqualTo(16L * 1024 * 1024);
        assertThat(s.maxHeaderSize()).isEqualTo(16 * 1024);
        assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.concurrency()).isEqualTo(Concurrency.DEFAULT);
        assertThat(s.concurrency().kind()).isEqualTo(Concurrency.Kind.ADAPTIVE);
    }

    @Test
    void aTableSetsEveryLimit() {
        ListenerSettings s = table("max-body", "1MiB", "max-header-size", 8192L, "read-timeout", "PT5S",
                "concurrency-min", 8, "concurrency-max", 64, "concurrency-slow-request", "PT0.25S");

        assertThat(s.origin()).isEqualTo("[listeners.web]");
        assertThat(s.maxBody()).isEqualTo(1024 * 1024);
        assertThat(s.maxHeaderSize()).isEqualTo(8192);
        assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.concurrency()).isEqualTo(new Concurrency(Concurrency.Kind.ADAPTIVE, 8, 64, Duration.ofMillis(250)));
    }

    @Test
    void aNumberIsAFixedConcurrencyLimitAndOffIsNone() {
        assertThat(table("concurrency-limit", "100").concurrency().toString()).isEqualTo("fixed 100");
        assertThat(HttpListener.limit(table("concurrency-limit", "off").concurrency())).isEmpty();
        assertThat(HttpListener.limit(table().concurrency())).isPresent();
    }

    @Test
    void refusesAnUnknownKey() {
        assertThatThrownBy(() -> table("tls-cert", "/etc/tls/tls.crt"))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[listeners.web]").hasMessageContaining("\"tls-cert\"");
    }

    @Test
    void requiresAnAddress() {
        assertThatThrownBy(() -> read(Map.of("read-timeout", "PT1S")))
                .isInstanceOf(ConfigError.class)
                .hasMessage("[listeners.web] has no \"address\"; add address = \"127.0.0.1:8080\" (host:port)");
    }

    @Test
    void namesTheAddressKeyOfATableWhenMalformed() {
        assertThatThrownBy(() -> table("address", "localhost"))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith("[listeners.web] address = \"localhost\": expected \"host:port\"");
    }

    @Test
    void refusesHalfAPemPairAndBothTlsForms() {
        assertThatThrownBy(() -> table("tls-certificate", "tls.crt"))
                .isInstanceOf(ConfigError.class).hasMessageEndingWith("tls-key is missing");
        assertThatThrownBy(() -> table("tls-certificate", "tls.crt", "tls-key", "tls.key", "tls-keystore", "edge.p12"))
                .isInstanceOf(ConfigError.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> table("tls-keystore-password", "x"))
                .isInstanceOf(ConfigError.class).hasMessageContaining("tls-keystore (the PKCS#12 file) is not");
    }

    @Test
    void refusesABadConcurrencyLimit() {
        assertThatThrownBy(() -> table("concurrency-limit", "lots"))
                .isInstanceOf(ConfigError.class)
                .hasMessage("[listeners.web] concurrency-limit = \"lots\": expected \"adaptive\" (the default), \"off\","
                        + " or a fixed number of requests such as \"100\"");
        assertThatThrownBy(() -> table("concurrency-limit", "0")).isInstanceOf(ConfigError.class);
        assertThatThrownBy(() -> table("concurrency-min", 50, "concurrency-max", 10))
                .isInstanceOf(ConfigError.class).hasMessageContaining("1 <= concurrency-min <= concurrency-max");
        assertThatThrownBy(() -> table("concurrency-limit", "100", "concurrency-max", 10))
                .isInstanceOf(ConfigError.class).hasMessageContaining("tune the adaptive limit");
    }

    @Test
    void refusesBadSizesAndTimeouts() {
        assertThatThrownBy(() -> table("max-body", "16MB"))
                .isInstanceOf(ConfigError.class)
                .hasMessage("[listeners.web] max-body = \"16MB\": expected a number of bytes, or a size such as"
                        + " \"64KiB\" or \"16MiB\"");
        assertThatThrownBy(() -> table("max-header-size", 0L))
                .isInstanceOf(ConfigError.class).hasMessage("[listeners.web] max-header-size = 0: must be positive");
        assertThatThrownBy(() -> table("read-timeout", "PT0S"))
                .isInstanceOf(ConfigError.class).hasMessageContaining("read-timeout");
    }

    @Test
    void preparingRefusesSettingsForAListenerNoComponentAsksFor() {
        Map<String, Map<String, Object>> sections = Map.of("listeners", Map.of("web", "127.0.0.1:0",
                "admin", Map.of("address", "127.0.0.1:0")));
        AppPreparation app = new AppPreparation("shop", Path.of("target"), sections).need("Storefront", "web", Listener.class);

        assertThatThrownBy(() -> new ListenerProvider().prepare(app))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[listeners.admin]").hasMessageContaining("a listener no component asks for");
    }

    @Test
    void preparingAcceptsWhatComponentsAskFor() throws Exception {
        Map<String, Map<String, Object>> sections = Map.of("listeners", Map.of("web", "127.0.0.1:0",
                "admin", Map.of("address", "127.0.0.1:0", "concurrency-limit", "off")));
        AppPreparation app = new AppPreparation("shop", Path.of("target"), sections)
                .need("Storefront", "web", Listener.class).need("Ops", "admin", Listener.class);

        assertThat(new ListenerProvider().prepare(app)).isNotNull();
    }

}
