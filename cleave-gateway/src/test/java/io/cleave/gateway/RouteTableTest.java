package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.spi.ConfigSection.ConfigError;
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
                        + " \"lgacy\" (known: app, legacy, v2; others are named in [gateway.upstreams] of cleave.toml)");
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
}
