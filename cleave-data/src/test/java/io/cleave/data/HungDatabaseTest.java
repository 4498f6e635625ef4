package io.cleave.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cleave.CallContext;
import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.StoreUnavailableException;
import io.cleave.spi.testing.AppPreparation;
import io.cleave.spi.testing.ProviderRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database server that stops answering in the middle of a transaction: the test stops
 * ({@code SIGSTOP}) the server process serving the transaction's connection (its backend, on the
 * embedded server the class prepares), which keeps the connection open and silent as a hung or
 * cut-off server does. The transaction fails a second after the caller's deadline, or after
 * {@code network-timeout} outside any call, naming why; the next gets a fresh connection.
 */
class HungDatabaseTest {

    @TempDir
    static Path dataDir;
    private static AutoCloseable server;

    private final StoreProvider provider = new StoreProvider();
    private final List<ProviderRequest> requests = new ArrayList<>();
    private final List<Long> stopped = new ArrayList<>();

    @BeforeAll
    static void prepareTheServer() throws Exception {
        server = new StoreProvider().prepare(new AppPreparation("shop", dataDir, Map.of())
                .need("Catalog", Store.class).need("Inventory", Store.class));
    }

    @AfterAll
    static void stopTheServer() throws Exception {
        server.close();
    }

    @AfterEach
    void resumeAndClose() throws Exception {
        for (long pid : stopped) {
            signal("CONT", pid); // it finds its client gone and ends
        }
        for (ProviderRequest r : requests.reversed()) {
            r.stop();
        }
    }

    private Store open(String component, Map<String, Map<String, Object>> sections) throws Exception {
        ProviderRequest request = new ProviderRequest(component, Store.class, "store", sections, dataDir);
        requests.add(request);
        return (Store) provider.provide(request).orElseThrow();
    }

    @Test
    void aTransactionOnAHungServerFailsASecondAfterTheCallersDeadlineAndTheNextGetsAFreshConnection() throws Exception {
        Store store = open("Catalog", Map.of());
        AtomicLong backend = new AtomicLong();

        Throwable failure = catchThrowable(() -> CallContext.withDeadline(Duration.ofSeconds(1),
                () -> store.read(c -> {
                    backend.set(number(c, "select pg_backend_pid()"));
                    stop(backend.get());
                    return number(c, "select 1");
                })));

        assertThat(failure).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("store of Catalog: the database did not answer within")
                .hasMessageContaining("the transaction was not committed");
        assertThat(((StoreException) failure).sqlState()).as("a connection failure, which a listener answers 503")
                .startsWith("08");
        long next = store.read(c -> number(c, "select pg_backend_pid()"));
        assertThat(next).as("a fresh connection, not the hung one").isNotEqualTo(backend.get());
    }

    @Test
    void outsideAnyCallNetworkTimeoutBoundsTheWait() throws Exception {
        Store store = open("Inventory", Map.of("Inventory.data", Map.of("network-timeout", "PT2S")));
        AtomicLong backend = new AtomicLong();

        Throwable failure = catchThrowable(() -> store.run(c -> {
            backend.set(number(c, "select pg_backend_pid()"));
            stop(backend.get());
            number(c, "select 1");
        }));

        assertThat(failure).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("the database did not answer within 2000 ms")
                .hasMessageContaining("network-timeout = \"2s\"");
        long answer = store.read(c -> number(c, "select 41 + 1"));
        assertThat(answer).as("the next transaction, on a fresh connection").isEqualTo(42);
    }

    @Test
    void thePoolsWarningAboutTheConnectionItDropsIsOneLineNamingTheCause() throws Exception {
        Store store = open("Catalog", Map.of());
        AtomicLong backend = new AtomicLong();
        List<LogRecord> records = PoolRecords.during(() -> CallContext.withDeadline(Duration.ofSeconds(1), () -> store.read(c -> {
            backend.set(number(c, "select pg_backend_pid()"));
            stop(backend.get());
            return number(c, "select 1");
        })));

        List<LogRecord> warnings = records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertThat(warnings).as("the pool's warning about the connection it dropped").isNotEmpty();
        assertThat(warnings).allSatisfy(r -> {
            assertThat(r.getThrown()).as("no stack trace: " + r.getMessage()).isNull();
            assertThat(r.getMessage()).doesNotContain("\n");
        });
        assertThat(warnings).anySatisfy(r -> assertThat(r.getMessage())
                .contains("marked as broken").contains("PSQLException").contains("SocketTimeoutException"));
    }


    private void stop(long pid) throws Exception {
        stopped.add(pid);
        signal("STOP", pid);
    }

    private static long number(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
}
