package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.runtime.TomlConfig;
import io.cleave.spi.ConfigSection.ConfigError;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheSettingsTest {

    private static GatewaySettings read(String toml) {
        return GatewaySettings.read(TomlConfig.section("[gateway]\n" + toml, "gateway"));
    }

    @Test
    void theCacheIsOffUntilARouteHasACacheTtl() {
        CacheSettings s = read("").cache();

        assertThat(s.enabled()).isFalse();
        assertThat(s.maxBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(s.purgeFrom()).map(CacheSettings.AddressBlock::text).containsExactly("127.0.0.0/8", "::1/128");
    }

    @Test
    void aRouteMayCacheWithoutARateLimit() {
        GatewaySettings s = read("cache-size = \"8MiB\"\n[gateway.routes.\"/api/products\"]\ncache-ttl = \"30s\"\n"
                + "cache-stale = \"10s\"\n[gateway.routes.\"/api/products/special\"]\ncache-ttl = \"1s\"\n"
                + "cache-with-cookies = true\n");

        assertThat(s.routes()).isEmpty();
        assertThat(s.limitFor("/api/products")).isEmpty();
        assertThat(s.cache().maxBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(s.cache().routeFor("/api/products/1")).hasValue(new CacheSettings.Route("/api/products",
                Duration.ofSeconds(30), Duration.ofSeconds(10), false));
        assertThat(s.cache().routeFor("/api/products/special/1").orElseThrow().withCookies()).isTrue();
        assertThat(s.cache().routeFor("/api/productsx")).isEmpty();
    }

    @Test
    void anUnknownRouteKeyIsRefusedWithTheClosestKnownOne() {
        assertThatThrownBy(() -> read("[gateway.routes.\"/api\"]\ncache-tll = \"30s\"\n"))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("\"cache-tll\" is unknown")
                .hasMessageContaining("did you mean \"cache-ttl\"");
    }

    @Test
    void badValuesNameTheirKeyAndWhatIsValid() {
        Map<String, String> refused = Map.of(
                "[gateway.routes.\"/api\"]\ncache-ttl = \"0s\"", "[gateway.routes./api] cache-ttl = PT0S: must be positive",
                "[gateway.routes.\"/api\"]\ncache-stale = \"5s\"",
                "[gateway.routes./api] cache-stale tunes cache-ttl, which is not set",
                "[gateway.routes.\"/api\"]\ncache-ttl = \"5s\"\ncache-stale = \"-5s\"",
                "cache-stale",
                "[gateway.routes.\"/api\"]\ncache-ttl = \"5s\"\nrate-limit-burst = 3",
                "rate-limit-burst and rate-limit-key tune rate-limit, which is not set",
                "[gateway.routes.\"/api\"]\nretries = 3", "\"retries\" is unknown",
                "[gateway.routes.\"/api\"]", "[gateway.routes./api] has neither rate-limit nor cache-ttl",
                "cache-size = \"64MB\"\n[gateway.routes.\"/api\"]\ncache-ttl = \"5s\"",
                "[gateway] cache-size = \"64MB\": expected a number of bytes",
                "cache-size = \"64MiB\"", "[gateway] cache-size tunes the edge cache, which no route turns on",
                "purge-from = [\"10.0.0/8\"]\n[gateway.routes.\"/api\"]\ncache-ttl = \"5s\"",
                "[gateway] purge-from: \"10.0.0/8\" is not an address block",
                "purge-from = [\"10.0.0.0/33\"]\n[gateway.routes.\"/api\"]\ncache-ttl = \"5s\"",
                "\"10.0.0.0/33\" is not an address block");

        refused.forEach((toml, message) -> assertThatThrownBy(() -> read(toml))
                .as(toml).isInstanceOf(ConfigError.class).hasMessageContaining(message));
    }

    @Test
    void purgeFromMatchesAddressesInItsBlocks() throws Exception {
        CacheSettings s = read("purge-from = [\"10.1.0.0/16\", \"192.168.1.7\", \"fd00::/8\"]\n"
                + "[gateway.routes.\"/api\"]\ncache-ttl = \"5s\"\n").cache();

        assertThat(s.purgeFrom().stream().anyMatch(b -> contains(b, "10.1.200.3"))).isTrue();
        assertThat(s.purgeFrom().stream().anyMatch(b -> contains(b, "10.2.0.1"))).isFalse();
        assertThat(s.purgeFrom().stream().anyMatch(b -> contains(b, "192.168.1.7"))).isTrue();
        assertThat(s.purgeFrom().stream().anyMatch(b -> contains(b, "192.168.1.8"))).isFalse();
        assertThat(s.purgeFrom().stream().anyMatch(b -> contains(b, "fd12::1"))).isTrue();
        assertThat(s.purgeFrom().stream().anyMatch(b -> contains(b, "127.0.0.1"))).isFalse();
    }

    private static boolean contains(CacheSettings.AddressBlock block, String address) {
        try {
            return block.contains(InetAddress.getByName(address));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
