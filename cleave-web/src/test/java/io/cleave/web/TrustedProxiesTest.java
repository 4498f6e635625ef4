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
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(PROXIES.clientAddress("198.51.100.9", List.of("203.0.113.7"))).isEqualTo("198.51.100.9");
        assertThat(TrustedProxies.NONE.clientAddress("10.1.2.3", List.of("203.0.113.7"))).isEqualTo("10.1.2.3");
    }

    @Test
    void takesTheRightmostUntrustedHopSoAClientCannotForgeItsAddress() {
        // the client wrote 1.2.3.4 itself; the outer proxy 10.9.9.9 appended the real peer 203.0.113.7
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of("1.2.3.4, 203.0.113.7, 10.9.9.9"))).isEqualTo("203.0.113.7");
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of("1.2.3.4", "203.0.113.7"))).isEqualTo("203.0.113.7");
    }

    @Test
    void stopsAtTheLastTrustedHopWhenEveryHopIsTrustedOrAHopIsNotAnAddress() {
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of("192.168.1.10"))).isEqualTo("192.168.1.10");
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of("evil.example, 10.4.4.4"))).isEqualTo("10.4.4.4");
        assertThat(PROXIES.clientAddress("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
    }

    @Test
    void matchesIpv6Blocks() {
        assertThat(PROXIES.clientAddress("fd12::1", List.of("2001:db8::5"))).isEqualTo("2001:db8::5");
        assertThat(PROXIES.clientAddress("fe80::1", List.of("2001:db8::5"))).isEqualTo("fe80::1");
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
