package io.cleave.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.spi.ConfigSection.ConfigError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address of an {@code X-Forwarded-For} chain is the client's. */
class TrustedProxiesTest {

    private static final TrustedProxies PROXIES = TrustedProxies.parse("[listeners.web] trusted-proxies",
            List.of("10.0.0.0/8", "192.168.1.10", "fd00::/8"));

    @Test
    void believesTheHeaderOnlyFromATrustedPeer() {
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of("203.0.113.7"), List.of())).isEqualTo("203.0.113.7");
        assertThat(PROXIES.clientAddress("198.51.100.9", List.of("203.0.113.7"), List.of())).isEqualTo("198.51.100.9");
        assertThat(TrustedProxies.NONE.clientAddress("10.1.2.3", List.of("203.0.113.7"), List.of())).isEqualTo("10.1.2.3");
    }

    @Test
    void takesTheRightmostUntrustedHopSoAClientCannotForgeItsAddress() {
        // the client wrote 1.2.3.4 itself; the outer proxy 10.9.9.9 appended the real peer 203.0.113.7
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of("1.2.3.4, 203.0.113.7, 10.9.9.9"), List.of())).isEqualTo("203.0.113.7");
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of("1.2.3.4", "203.0.113.7"), List.of())).isEqualTo("203.0.113.7");
    }

    @Test
    void stopsAtTheLastTrustedHopWhenEveryHopIsTrustedOrAHopIsNotAnAddress() {
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of("192.168.1.10"), List.of())).isEqualTo("192.168.1.10");
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of("evil.example, 10.4.4.4"), List.of())).isEqualTo("10.4.4.4");
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of(), List.of())).isEqualTo("10.1.2.3");
    }

    @Test
    void matchesIpv6Blocks() {
        assertThat(PROXIES.clientAddress("fd12::1", List.of("2001:db8::5"), List.of())).isEqualTo("2001:db8::5");
        assertThat(PROXIES.clientAddress("fe80::1", List.of("2001:db8::5"), List.of())).isEqualTo("fe80::1");
    }

    @Test
    void behindTheGatewayBelievesOnlyAPeerThatPresentsItsTokenWhereverItConnectsFrom() {
        TrustedProxies fronted = TrustedProxies.NONE.behindGateway("s3cret");

        // the gateway appended the client's TCP peer, 127.0.0.1, after what the client wrote
        assertThat(fronted.clientAddress("127.0.0.1", List.of("203.0.113.7"), List.of("s3cret"))).isEqualTo("203.0.113.7");
        assertThat(fronted.clientAddress("127.0.0.1", List.of("1.2.3.4, 127.0.0.1"), List.of("s3cret"))).isEqualTo("127.0.0.1");
        // another local process on the listener's own port: no token, a wrong one, or two
        assertThat(fronted.clientAddress("127.0.0.1", List.of("203.0.113.7"), List.of())).isEqualTo("127.0.0.1");
        assertThat(fronted.clientAddress("127.0.0.1", List.of("203.0.113.7"), List.of("guess"))).isEqualTo("127.0.0.1");
        assertThat(fronted.clientAddress("127.0.0.1", List.of("203.0.113.7"), List.of("guess", "s3cret"))).isEqualTo("127.0.0.1");
    }

    @Test
    void behindTheGatewayStillWalksPastTheConfiguredProxiesInFrontOfIt() {
        TrustedProxies fronted = PROXIES.behindGateway("s3cret");

        // client 203.0.113.7 -> load balancer 10.9.9.9 -> gateway -> listener
        assertThat(fronted.clientAddress("127.0.0.1", List.of("1.2.3.4, 203.0.113.7, 10.9.9.9"), List.of("s3cret")))
                .isEqualTo("203.0.113.7");
        // a configured proxy's own address still counts without the token
        assertThat(fronted.clientAddress("10.1.2.3", List.of("203.0.113.7"), List.of())).isEqualTo("203.0.113.7");
    }

    @Test
    void refusesWhatIsNotACidrBlockOfAddresses() {
        for (String bad : List.of("10.0.0.0/33", "proxy.internal", "10.0.0/8", "300.1.1.1", "fd00::/129", "10.0.0.0/x")) {
            assertThatThrownBy(() -> TrustedProxies.parse("[listeners.web] trusted-proxies", List.of(bad)))
                    .as(bad).isInstanceOf(ConfigError.class)
                    .hasMessageStartingWith("[listeners.web] trusted-proxies: \"" + bad + "\" is not a CIDR block");
        }
    }
}
