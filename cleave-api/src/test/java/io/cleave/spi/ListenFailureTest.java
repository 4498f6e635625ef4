package io.cleave.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link ListenFailure} tells what holds a port: a listener, a connection's local end, or nothing. */
class ListenFailureTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aPortAnotherServerListensOnIsSaidToBeItsAndNotAConnections() throws IOException {
        try (ServerSocket other = new ServerSocket(0, 1, LOOPBACK)) {
            assertThat(ListenFailure.explain("127.0.0.1", other.getLocalPort()))
                    .isEqualTo("address already in use: another process listens on 127.0.0.1:" + other.getLocalPort());
        }
    }

    @Test
    void aPortHeldByAConnectionsLocalEndIsToldApartAndTheEphemeralRangeNamed() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
                Socket client = new Socket(LOOPBACK, server.getLocalPort());
                Socket accepted = server.accept()) {
            assertThat(accepted.isConnected()).isTrue();
            int held = client.getLocalPort(); // the kernel's pick, as a pooled connection's would be

            String why = ListenFailure.explain("127.0.0.1", held);

            assertThat(why).startsWith("address already in use, but nothing listens on it: a connection of this machine holds port "
                    + held + " as its local end");
            if (Files.exists(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) { // Linux
                int[] range = ListenFailure.ephemeralRange().orElseThrow();
                assertThat(range[0]).isPositive().isLessThan(range[1]);
                assertThat(held).isBetween(range[0], range[1]);
                assertThat(why).contains("ephemeral range " + range[0] + "-" + range[1]).contains("choose a port below " + range[0]);
            }
        }
    }

    @Test
    void aPortFreeWhenTriedAgainSendsTheReaderToTheServersOwnLog() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            port = s.getLocalPort();
        }
        assertThat(ListenFailure.explain("127.0.0.1", port)).contains("free when tried again").contains("see the log above");
    }
}
