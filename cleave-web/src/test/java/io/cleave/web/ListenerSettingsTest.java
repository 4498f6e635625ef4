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
import io.helidon.common.concurrency.limits.LimitAlgorithm;
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
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.concurrency()).isEqualTo(Concurrency.DEFAULT);
    }

    @Test
    void aTableSetsEveryLimit() {
        ListenerSettings s = table("max-body", "1MiB", "max-header-size", 8192L, "read-timeout", "PT5S", "request-timeout", "PT2S",
                "concurrency-limit", "adaptive", "concurrency-min", 8, "concurrency-max", 64, "concurrency-slow-request", "PT0.25S");

        assertThat(s.origin()).isEqualTo("[listeners.web]");
        assertThat(s.maxBody()).isEqualTo(1024 * 1024);
        assertThat(s.maxHeaderSize()).isEqualTo(8192);
        assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.concurrency()).isEqualTo(new Concurrency(Concurrency.Kind.ADAPTIVE, 8, 64, Duration.ofMillis(250),
                Concurrency.TOLERANCE));
    }

    @Test
    void aGradientLimitStartsAtItsFloorAndTakesATolerance() {
        ListenerSettings s = table("concurrency-limit", "gradient", "concurrency-min", 4, "concurrency-max", 50,
                "concurrency-tolerance", 1.5);

        assertThat(s.concurrency()).isEqualTo(new Concurrency(Concurrency.Kind.GRADIENT, 4, 50, Concurrency.SLOW_REQUEST, 1.5));
        assertThat(s.concurrency().toString()).isEqualTo("gradient 4..50 (tolerance 1.5x)");
        assertThat(HttpListener.limit(s.concurrency())).get().isInstanceOfSatisfying(GradientLimit.class, l -> {
            assertThat(l.limit()).isEqualTo(4);
            // five requests at once: the fifth is refused (no queue), and a finished one makes room
            java.util.List<LimitAlgorithm.Token> held = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(((LimitAlgorithm.Outcome.Accepted) l.tryAcquireOutcome(true)).token());
            }
            assertThat(l.tryAcquireOutcome(true).disposition()).isEqualTo(LimitAlgorithm.Outcome.Disposition.REJECTED);
            held.remove(0).success();
            assertThat(l.tryAcquireOutcome().disposition()).isEqualTo(LimitAlgorithm.Outcome.Disposition.ACCEPTED);
        });
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
                .hasMessageStartingWith("[listeners.web] concurrency-limit = \"lots\": expected \"")
                .hasMessageContaining("\"adaptive\"").hasMessageContaining("\"gradient\"")
                .hasMessageEndingWith("\"off\", or a fixed number of requests such as \"100\"");
        assertThatThrownBy(() -> table("concurrency-limit", "0")).isInstanceOf(ConfigError.class);
        assertThatThrownBy(() -> table("concurrency-min", 50, "concurrency-max", 10))
                .isInstanceOf(ConfigError.class).hasMessageContaining("1 <= concurrency-min <= concurrency-max");
        assertThatThrownBy(() -> table("concurrency-limit", "100", "concurrency-max", 10))
                .isInstanceOf(ConfigError.class).hasMessageContaining("tune the adaptive and gradient limits");
        assertThatThrownBy(() -> table("concurrency-limit", "gradient", "concurrency-slow-request", "PT1S"))
                .isInstanceOf(ConfigError.class)
                .hasMessage("[listeners.web]: concurrency-slow-request tunes the adaptive limit, but concurrency-limit is \"gradient\"");
        assertThatThrownBy(() -> table("concurrency-limit", "adaptive", "concurrency-tolerance", 2))
                .isInstanceOf(ConfigError.class).hasMessageContaining("concurrency-tolerance tunes the gradient limit");
        assertThatThrownBy(() -> table("concurrency-limit", "gradient", "concurrency-tolerance", 0.5))
                .isInstanceOf(ConfigError.class)
                .hasMessage("[listeners.web] concurrency-tolerance = 0.5: expected 1.0 to 100.0 (times a request's usual latency)");
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
