package io.cleave.data;

import io.cleave.spi.testing.ProviderRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Store;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [data] shared = true}: replicas in other processes open one component's embedded file. */
class SharedEmbeddedStoreTest {

    @TempDir
    Path dataDir;

    private ProviderRequest request;

    @AfterEach
    void closeStores() throws Exception {
        if (request != null) {
            request.stop();
        }
    }

    private Store open(boolean shared) throws Exception {
        request = new ProviderRequest("Catalog", Store.class, "store", Map.of("data", Map.of("shared", shared)), dataDir);
        return (Store) new StoreProvider().provide(request).orElseThrow();
    }

    @Test
    void anotherProcessWritesThroughTheProcessThatOpenedTheFileFirst() throws Exception {
        Store first = open(true);

        Result other = runOtherProcess(true, "c-7", "vase");

        assertThat(other.exitCode()).as(other.output()).isZero();
        assertThat(EmbeddedStoreTest.query(first, "select name from item where id = 'c-7'")).isEqualTo("vase");
        assertThat(EmbeddedStoreTest.query(first, "select count(*) from item")).isEqualTo("2");
    }

    @Test
    void replicasStartingTogetherBothOpenTheFileAndMigrateItOnce() throws Exception {
        Process one = startOtherProcess(true, "c-9", "jug");
        Process two = startOtherProcess(true, "c-10", "cup");

        Result first = finish(one);
        Result second = finish(two);
        Store store = open(true);

        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(EmbeddedStoreTest.query(store, "select count(*) from item")).isEqualTo("3");
        assertThat(EmbeddedStoreTest.query(store,
                "select count(*) from \"flyway_schema_history\" where \"success\" and \"type\" = 'SQL'")).isEqualTo("2");
    }

    @Test
    void theFileIsServedOnLoopbackOnly() throws Exception {
        open(true);
        Properties lock = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("catalog/store.lock.db"))) {
            lock.load(in);
        }
        String server = lock.getProperty("server", "");
        int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));

        // H2 writes 127.0.0.1 as "localhost"; without the bind address it would be this host's address
        assertThat(server).startsWith("localhost:");
        try (Socket loopback = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(loopback.isConnected()).isTrue();
        }
        for (InetAddress other : otherAddressesOfThisHost()) {
            assertThatThrownBy(() -> new Socket(other, port).close()).as(other.toString()).isInstanceOf(ConnectException.class);
        }
    }

    private static List<InetAddress> otherAddressesOfThisHost() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .toList();
    }

    @Test
    void withoutSharingAnotherProcessIsToldHowToShare() throws Exception {
        open(false);

        Result other = runOtherProcess(false, "c-8", "bowl");

        assertThat(other.exitCode()).as(other.output()).isEqualTo(2);
        assertThat(other.output()).contains("component Catalog: cannot open its store")
                .contains("[data] shared = true");
    }

    private Result runOtherProcess(boolean shared, String id, String name) throws IOException, InterruptedException {
        return finish(startOtherProcess(shared, id, name));
    }

    private Process startOtherProcess(boolean shared, String id, String name) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SharedStoreProcess.class.getName(),
                dataDir.toString(), Boolean.toString(shared), id, name)
                .redirectErrorStream(true).start();
    }

    private static Result finish(Process p) throws IOException, InterruptedException {
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the other process did not end: " + output);
        }
        return new Result(p.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }
}
