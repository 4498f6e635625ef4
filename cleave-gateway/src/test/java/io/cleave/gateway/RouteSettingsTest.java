package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.runtime.TomlConfig;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteSettingsTest {

    private static ConfigSection gateway(String toml, Map<String, String> sets) {
        return TomlConfig.section("[gateway]\n" + toml, "gateway", sets);
    }

    @Test
    void readsNamedUpstreamsWithOneOrMoreBaseUrls() {
        RouteSettings s = RouteSettings.read(gateway("""
                [gateway.upstreams]
                legacy = "http://127.0.0.1:9090"
                v2 = "http://127.0.0.1:9091, http://127.0.0.1:9092/"
                """, Map.of()));

        assertThat(s.upstreams()).containsOnly(
                Map.entry("legacy", List.of(URI.create("http://127.0.0.1:9090"))),
                Map.entry("v2", List.of(URI.create("http://127.0.0.1:9091"), URI.create("http://127.0.0.1:9092"))));
        assertThat(s.names()).containsExactly("app", "legacy", "v2");
        assertThat(s.routeTable()).isEmpty();
    }

    @Test
    void dottedOverridesReachTheUpstreamsTable() {
        Map<String, String> sets = Map.of("gateway.upstreams.legacy", "http://127.0.0.1:9090",
                "gateway.route-table", "gateway-routes.toml");

        RouteSettings s = RouteSettings.read(gateway("", sets));
        GatewaySettings.read(gateway("", sets));

        assertThat(s.upstreams()).containsOnly(Map.entry("legacy", List.of(URI.create("http://127.0.0.1:9090"))));
        assertThat(s.routeTable()).contains(Path.of("gateway-routes.toml"));
    }

    @Test
    void anUpstreamThatIsNoBaseUrlIsRefused() {
        assertThatThrownBy(() -> RouteSettings.read(gateway("""
                [gateway.upstreams]
                legacy = "127.0.0.1:9090"
                """, Map.of())))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith("[gateway.upstreams] legacy = \"127.0.0.1:9090\": \"127.0.0.1:9090\" is not a"
                        + " base URL http://host:port");
    }

    @Test
    void appIsTakenAsAnUpstreamName() {
        assertThatThrownBy(() -> RouteSettings.read(gateway("""
                [gateway.upstreams]
                app = "http://127.0.0.1:9090"
                """, Map.of())))
                .hasMessageContaining("\"app\" is taken");
    }

    @Test
    void checkFailsOnABadRouteTableNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway-routes.toml");
        Files.writeString(file, "[routes]\n\"/\" = \"legacy\"\n\"/api\" = \"nowhere\"\n");
        ConfigSection section = gateway("route-table = \"" + file + "\"\n[gateway.upstreams]\n"
                + "legacy = \"http://127.0.0.1:9090\"\n", Map.of());

        assertThatThrownBy(() -> Gateways.provider().check(section, Map.of("web", new InetSocketAddress(8080))))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith(file + ":3: [routes] \"/api\" = \"nowhere\": no upstream is named \"nowhere\"");
    }

    @Test
    void checkFailsOnAMissingRouteTable(@TempDir Path dir) {
        Path file = dir.resolve("missing.toml");
        ConfigSection section = gateway("route-table = \"" + file + "\"\n", Map.of());

        assertThatThrownBy(() -> Gateways.provider().check(section, Map.of("web", new InetSocketAddress(8080))))
                .hasMessageStartingWith("[gateway] route-table = \"" + file + "\": cannot read it")
                .hasMessageEndingWith("no such file");
    }

    @Test
    void withoutRouteTableEveryRequestGoesToTheApp() {
        assertThat(Router.check(RouteSettings.read(gateway("", Map.of())))).isEqualTo(RouteTable.APP_ONLY);
        assertThat(RouteTable.APP_ONLY.canary()).isEqualTo(Optional.empty());
    }

    @Test
    void checkFailsOnABadUpstreamOfTheRouteTable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway-routes.toml");
        Files.writeString(file, "[routes]\n\"/\" = \"legacy\"\n[upstreams]\nlegacy = \"http://127.0.0.1\"\n");
        ConfigSection section = gateway("route-table = \"" + file + "\"\n", Map.of());

        assertThatThrownBy(() -> Gateways.provider().check(section, Map.of("web", new InetSocketAddress(8080))))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith(file + ":4: [upstreams] legacy = \"http://127.0.0.1\": \"http://127.0.0.1\" is"
                        + " not a base URL http://host:port");
    }

    @Test
    void theSameReplicaTwiceIsRefusedInCleaveTomlToo() {
        assertThatThrownBy(() -> RouteSettings.read(gateway("""
                [gateway.upstreams]
                legacy = "http://127.0.0.1:9090,http://127.0.0.1:9090"
                """, Map.of())))
                .hasMessageEndingWith("http://127.0.0.1:9090 is given twice; list each replica once");
    }
}
