package io.cleave.runtime;

import static io.cleave.runtime.Launches.failure;
import static io.cleave.runtime.Launches.start;
import static io.cleave.runtime.Launches.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.StartupException;
import io.cleave.runtime.spi.Deployer;
import io.cleave.runtime.spi.Deployment;
import io.cleave.runtime.spi.TransportSettings;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code [transport]}: every key reaches the deployer, and every mistake is reported before anything starts. */
class TransportConfigTest {

    private static final String GREETER = "\n[Greeter]\ngreeting = \"Hi\"\n";

    private final CapturingDeployer deployer = new CapturingDeployer();
    private final LaunchContext greet = LaunchContext.of(new io.cleave.runtime.greet.Cleave_Registry()).withDeployers(deployer);

    @Test
    void everyTransportKeyReachesTheDeployer() {
        String toml = """
                [app]
                name = "hello"
                deployer = "capture"

                [transport]
                max-message-bytes = "1MiB"
                max-buffered-bytes = 8388608
                default-timeout = "1ms"
                ping-interval = "250ms"
                write-stall-limit = "3s"
                connect-timeout = "2s"
                read-timeout = "4s"
                idle-timeout = "1m"
                max-connections = 10
                max-calls-per-connection = 20
                max-concurrent-calls = 30
                concurrency-limit = 12
                concurrency-limit-min = 3
                concurrency-limit-max = 40
                slow-call = "250ms"
                bind-host = "0.0.0.0"
                advertise-host = "10.1.2.3"
                ca-cert = "/etc/cleave/ca.crt"
                ca-key = "/etc/cleave/ca.key"
                cert-lifetime = "10m"
                """ + GREETER;

        start(greet, toml).close();

        assertThat(deployer.transport).isEqualTo(new TransportSettings(1024 * 1024, 8 * 1024 * 1024, Duration.ofMillis(1),
                Duration.ofMillis(250), Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofMinutes(1), 10, 20, 30, new TransportSettings.ConcurrencyLimit(12, 3, 40, Duration.ofMillis(250)),
                "0.0.0.0", Optional.of("10.1.2.3"), new TransportSettings.Tls(true, Optional.of("/etc/cleave/ca.crt"),
                        Optional.of("/etc/cleave/ca.key"), Optional.empty(), Optional.empty(), Duration.ofMinutes(10), "cleave.toml")));
        assertThat(deployer.transport.advertisedHost()).isEqualTo("10.1.2.3");
    }

    @Test
    void certificatesFromFilesPerGroupAndPlaintextByChoice() {
        String files = "[app]\nname = \"hello\"\ndeployer = \"capture\"\n[transport]\nca-cert = \"/s/ca.crt\"\n"
                + "cert = \"/s/{group}/tls.crt\"\nkey = \"/s/{group}/tls.key\"\n" + GREETER;
        start(greet, files).close();
        assertThat(deployer.transport.tls().fromFiles()).isTrue();
        assertThat(deployer.transport.tls().certificate()).contains("/s/{group}/tls.crt");

        start(greet, "[app]\nname = \"hello\"\ndeployer = \"capture\"\n[transport]\nmtls = false\n" + GREETER).close();
        assertThat(deployer.transport.tls().enabled()).isFalse();
        assertThat(deployer.transport.tls().origin()).isEqualTo("<config text>:5");
    }

    @Test
    void tlsKeysThatCannotWorkTogetherAreRefusedEachWithItsLine() {
        String toml = """
                [app]
                name = "hello"

                [transport]
                ca-key = "/s/ca.key"
                cert = "/s/tls.crt"
                bind-host = "0.0.0.0"
                concurrency-limit = 5
                concurrency-limit-min = 6
                cert-lifetime = "1s"
                """ + GREETER;

        StartupException e = failure(greet, toml);

        assertThat(e.getMessage().lines().skip(1).map(String::strip)).contains(
                "<config text>:7: [transport] bind-host = \"0.0.0.0\" listens on every address, but other processes need one to"
                        + " connect to: set advertise-host too",
                "<config text>:8: [transport] concurrency-limit-min (6) <= concurrency-limit (5) <= concurrency-limit-max (1000)"
                        + " does not hold",
                "<config text>:10: [transport] key \"cert-lifetime\" must be at least 5s, got string \"1s\"",
                "<config text>:5: [transport] ca-key needs ca-cert, the certificate of the authority whose key it is",
                "<config text>:6: [transport] cert and key go together: a process's certificate file and its private key's",
                "<config text>:6: [transport] cert needs ca-cert, the authority that peers' certificates must chain to");
        assertThat(failure(greet, "[app]\nname = \"hello\"\n[transport]\nmtls = false\ncert-lifetime = \"1h\"\n" + GREETER))
                .hasMessageContaining("<config text>:5: [transport] cert-lifetime has no effect with mtls = false (<config text>:4)");
    }

    @Test
    void withoutTheSectionTheDeployerGetsTheDefaults() {
        start(greet, "[app]\nname = \"hello\"\ndeployer = \"capture\"\n" + GREETER).close();

        assertThat(deployer.transport).isEqualTo(TransportSettings.defaults());
    }

    @Test
    void anOverrideSetsATransportKey() {
        String toml = "[app]\nname = \"hello\"\ndeployer = \"capture\"\n" + GREETER;

        start(greet, text(toml, Map.of("transport.default-timeout", "250ms"))).close();

        assertThat(deployer.transport.defaultTimeout()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void anUnknownTransportKeyNamesItsLineAndTheKeyMeant() {
        String toml = """
                [app]
                name = "hello"

                [transport]
                default-timout = "1ms"
                """ + GREETER;

        StartupException e = failure(greet, toml);

        assertThat(e).hasMessage("<config text>:5: [transport] key \"default-timout\" is unknown (did you mean \"default-timeout\"?)");
    }

    @Test
    void everyBadTransportValueIsReportedWithItsLine() {
        String toml = """
                [app]
                name = "hello"

                [transport]
                max-message-bytes = "lots"
                default-timeout = "0s"
                ping-interval = "1s"
                idle-timeout = "2s"
                max-connections = 0
                read-timeout = 5
                max-buffered-bytes = "2GiB"
                """ + GREETER;

        StartupException e = failure(greet, toml);

        assertThat(e.getMessage().lines().skip(1).map(String::strip)).containsExactly(
                "<config text>:5: [transport] key \"max-message-bytes\" must be a size in bytes such as 16777216 or \"16MiB\""
                        + " (units B, KiB, MiB, GiB), got string \"lots\"",
                "<config text>:8: [transport] idle-timeout (2s) must be more than twice ping-interval (1s): a server closes a"
                        + " connection quiet for idle-timeout, and a live client pings a quiet one once per ping-interval",
                "<config text>:6: [transport] key \"default-timeout\" must be at least 1ms, got string \"0s\"",
                "<config text>:10: [transport] key \"read-timeout\" must be a duration such as \"250ms\", \"2s\", \"5m\", \"1h\""
                        + " or \"PT1M30S\", got integer 5",
                "<config text>:9: [transport] key \"max-connections\" must be at least 1, got 0");
    }

    @Test
    void aFrameLimitOutsideItsRangeAndABufferBelowItAreRefused() {
        String toml = """
                [app]
                name = "hello"

                [transport]
                max-message-bytes = "2GiB"
                max-buffered-bytes = "512KiB"
                """ + GREETER;

        StartupException e = failure(greet, toml);

        assertThat(e.getMessage().lines().skip(1).map(String::strip)).containsExactly(
                "<config text>:5: [transport] key \"max-message-bytes\" must be between 1024 and 1073741824 bytes (1 KiB to 1 GiB),"
                        + " got 2147483648",
                "<config text>:6: [transport] max-buffered-bytes (524288) is below max-message-bytes (16777216): a message of the"
                        + " largest size could never be read");
    }

    /** Hosts everything in this process, keeping what it was told of the transport. */
    private static final class CapturingDeployer implements Deployer {
        TransportSettings transport;

        @Override
        public String name() {
            return "capture";
        }

        @Override
        public Deployment deploy(Context context) {
            transport = context.transport();
            return new Deployment() {
                @Override
                public boolean hosts(ComponentDescriptor<?> component) {
                    return true;
                }


                @Override
                public Invoker remote(ComponentDescriptor<?> component) {
                    throw new IllegalStateException("hosts everything");
                }
            };
        }
    }
}
