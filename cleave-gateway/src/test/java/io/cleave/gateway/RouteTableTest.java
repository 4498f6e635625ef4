package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.spi.ConfigSection.ConfigError;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static final Set<String> UPSTREAMS = Set.of("app", "legacy", "v2");

    private static RouteTable parse(String text) {
        return RouteTable.parse("gateway-routes.toml", text, UPSTREAMS);
    }

    @Test
    void longestCoveringPrefixWins() {
        RouteTable table = parse("""
                [routes]
                "/" = "legacy"
                "/api/products" = "app"
                "/api/products/archive" = "legacy"
                """);

        assertThat(table.upstreamFor("/about")).isEqualTo("legacy");
        assertThat(table.upstreamFor("/api/products")).isEqualTo("app");
        assertThat(table.upstreamFor("/api/products/7")).isEqualTo("app");
        assertThat(table.upstreamFor("/api/products/archive/2019")).isEqualTo("legacy");
        assertThat(table.upstreamFor("/api/productsearch")).isEqualTo("legacy");
    }

    @Test
    void pathsNoRouteCoversGoToTheApp() {
        RouteTable table = parse("""
                [routes]
                "/old" = "legacy"
                """);

        assertThat(table.upstreamFor("/api/products")).isEqualTo("app");
        assertThat(table.upstreamFor("/old/page")).isEqualTo("legacy");
    }

    @Test
    void readsTheCanaryWithDefaults() {
        RouteTable table = parse("""
                [canary]
                upstream = "v2"
                weight = 10
                """);

        assertThat(table.canary()).contains(new RouteTable.Canary("v2", 10, Optional.empty(), "cleave-canary"));
        assertThat(table.routes()).isEmpty();
    }

    @Test
    void syntaxErrorNamesFileAndLine() {
        assertThatThrownBy(() -> parse("""
                [routes]
                "/" = "legacy"
                "/api/products" = app
                """))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith("gateway-routes.toml:3:")
                .hasMessageContaining("not valid TOML");
    }

    @Test
    void unknownUpstreamNamesFileLineAndTheKnownOnes() {
        assertThatThrownBy(() -> parse("""
                # comment
                [routes]
                "/" = "legacy"
                "/api/products" = "lgacy"
                """))
                .hasMessage("gateway-routes.toml:4: [routes] \"/api/products\" = \"lgacy\": no upstream is named"
                        + " \"lgacy\" (known: app, legacy, v2; name others in [upstreams] of this file or [gateway.upstreams] of cleave.toml)");
    }

    @Test
    void weightOutsideZeroToHundredIsRefused() {
        assertThatThrownBy(() -> parse("""
                [canary]
                upstream = "v2"
                weight = 120
                """))
                .hasMessageStartingWith("gateway-routes.toml:3: [canary] weight = 120: expected a whole number of"
                        + " percent from 0 to 100");
    }

    @Test
    void unknownKeyIsRefusedWithTheValidOnes() {
        assertThatThrownBy(() -> parse("""
                [canary]
                upstream = "v2"
                wieght = 10
                """))
                .hasMessage("gateway-routes.toml:3: [canary] key \"wieght\" is unknown (valid keys: cookie, header,"
                        + " upstream, weight)");
    }

    @Test
    void unknownTableIsRefused() {
        assertThatThrownBy(() -> parse("""
                [routes]
                "/" = "legacy"
                [rotues]
                "/x" = "app"
                """))
                .hasMessageStartingWith("gateway-routes.toml:3: table [rotues] is unknown");
    }

    @Test
    void routeThatIsNoPathIsRefused() {
        assertThatThrownBy(() -> parse("""
                [routes]
                "api" = "app"
                """))
                .hasMessageStartingWith("gateway-routes.toml:2: [routes] \"api\": a route is a path prefix");
    }

    @Test
    void emptyFileIsRefusedRatherThanSendingEverythingToTheApp() {
        assertThatThrownBy(() -> parse(""))
                .hasMessageStartingWith("gateway-routes.toml: has neither [routes] nor [canary]");
    }

    @Test
    void canaryCannotBeTheAppItself() {
        assertThatThrownBy(() -> parse("""
                [canary]
                upstream = "app"
                weight = 5
                """))
                .hasMessageStartingWith("gateway-routes.toml:2: [canary] upstream = \"app\"");
    }

    @Test
    void canaryWithoutWeightIsRefused() {
        assertThatThrownBy(() -> parse("""
                [canary]
                upstream = "v2"
                """))
                .hasMessageStartingWith("gateway-routes.toml:1: [canary] weight is missing");
    }

    @Test
    void readsTheFilesOwnUpstreamsWhichRoutesMayName() {
        RouteTable table = parse("""
                [upstreams]
                v3 = "http://127.0.0.1:9093"
                legacy = "http://10.0.0.7:8080, http://10.0.0.8:8080/"
                [routes]
                "/api/reviews" = "v3"
                [canary]
                upstream = "v3"
                weight = 5
                """);

        assertThat(table.upstreams()).containsOnly(
                Map.entry("v3", List.of(URI.create("http://127.0.0.1:9093"))),
                Map.entry("legacy", List.of(URI.create("http://10.0.0.7:8080"), URI.create("http://10.0.0.8:8080"))));
        assertThat(table.upstreamFor("/api/reviews/1")).isEqualTo("v3");
        assertThat(table.canary().orElseThrow().upstream()).isEqualTo("v3");
    }

    @Test
    void aFileWithUpstreamsAloneIsRefusedAsHalfWritten() {
        assertThatThrownBy(() -> parse("""
                [upstreams]
                v3 = "http://127.0.0.1:9093"
                """))
                .hasMessageStartingWith("gateway-routes.toml: has neither [routes] nor [canary]");
    }

    @Test
    void unknownUpstreamListsTheFilesOwnAmongTheKnown() {
        assertThatThrownBy(() -> parse("""
                [upstreams]
                v3 = "http://127.0.0.1:9093"
                [routes]
                "/api" = "v4"
                """))
                .hasMessage("gateway-routes.toml:4: [routes] \"/api\" = \"v4\": no upstream is named \"v4\" (known: app,"
                        + " legacy, v2, v3; name others in [upstreams] of this file or [gateway.upstreams] of cleave.toml)");
    }

    @Test
    void upstreamUrlThatIsNotPlainHttpIsRefusedWithFileLineAndKey() {
        assertThatThrownBy(() -> parse("""
                [routes]
                "/" = "legacy"
                [upstreams]
                v3 = "https://127.0.0.1:9093"
                """))
                .isInstanceOf(ConfigError.class)
                .hasMessage("gateway-routes.toml:4: [upstreams] v3 = \"https://127.0.0.1:9093\": \"https://127.0.0.1:9093\""
                        + " is not a base URL http://host:port; give one or more, separated by commas, such as"
                        + " \"http://127.0.0.1:9090\" (plain HTTP)");
    }

    @Test
    void upstreamUrlWithoutPortOrWithAPathOrEmptyIsRefused() {
        for (String url : List.of("http://127.0.0.1", "http://127.0.0.1:9093/v3", "", "http://127.0.0.1:9093,")) {
            assertThatThrownBy(() -> parse("[routes]\n[upstreams]\nv3 = \"" + url + "\"\n"))
                    .as(url)
                    .hasMessageStartingWith("gateway-routes.toml:3: [upstreams] v3 = \"" + url + "\": ")
                    .hasMessageContaining("is not a base URL http://host:port");
        }
    }

    @Test
    void upstreamGivenTheSameUrlTwiceIsRefused() {
        assertThatThrownBy(() -> parse("""
                [routes]
                [upstreams]
                v3 = "http://127.0.0.1:9093, http://127.0.0.1:9093/"
                """))
                .hasMessage("gateway-routes.toml:3: [upstreams] v3 = \"http://127.0.0.1:9093, http://127.0.0.1:9093/\":"
                        + " http://127.0.0.1:9093 is given twice; list each replica once");
    }

    @Test
    void upstreamWithABadNameOrAppIsRefused() {
        assertThatThrownBy(() -> parse("""
                [routes]
                [upstreams]
                V3 = "http://127.0.0.1:9093"
                """))
                .hasMessageStartingWith("gateway-routes.toml:3: [upstreams] V3: an upstream's name is lower-case letters");
        assertThatThrownBy(() -> parse("""
                [routes]
                [upstreams]
                app = "http://127.0.0.1:9093"
                """))
                .hasMessageStartingWith("gateway-routes.toml:3: [upstreams] app: an upstream's name")
                .hasMessageContaining("\"app\" is taken");
    }

    @Test
    void upstreamThatIsNoStringIsRefused() {
        assertThatThrownBy(() -> parse("""
                [routes]
                [upstreams]
                v3 = 9093
                """))
                .hasMessageStartingWith("gateway-routes.toml:3: [upstreams] v3 must be a string of base URLs");
    }
}
