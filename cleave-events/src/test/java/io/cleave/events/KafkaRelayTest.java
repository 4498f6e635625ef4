package io.cleave.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.Store;
import io.cleave.spi.testing.Await;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link KafkaRelay} on a real outbox, with a fake broker: it reads rows while earlier ones are in
 * flight, never sends a key's row before the previous one was acknowledged (a refused row holds
 * back the rows of its key read while it was in flight), and sends each row once.
 *
 * <p>Runs against the PostgreSQL server named by {@code CLEAVE_TEST_POSTGRES_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user {@code postgres}), in a database of its
 * own that it drops at the end; skipped when the server is unreachable, except with {@code CI=true}.
 */
class KafkaRelayTest {

    private static final String SERVER_URL = envOr("CLEAVE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = envOr("CLEAVE_TEST_POSTGRES_USER", "postgres");
    private static final String PASSWORD = envOr("CLEAVE_TEST_POSTGRES_PASSWORD", "");
    private static final String DATABASE = "cleave_relay_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final EventsSettings SETTINGS = new EventsSettings(Duration.ofMillis(20), 200, 5, Duration.ofMillis(100),
            Duration.ofMillis(200), Duration.ofSeconds(10), "127.0.0.1:9", 6, 1, Duration.ofDays(8));
    private static DataSource dataSource;

    private final AtomicBoolean running = new AtomicBoolean(true);
    /** What the fake broker was sent, in order: "payload" acknowledged, "payload refused". */
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private Store store;
    private Outbox outbox;
    private Thread relay;

    @BeforeAll
    static void createDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("create database " + DATABASE);
        } catch (SQLException e) {
            String message = "PostgreSQL at " + SERVER_URL + " is unreachable (" + e.getMessage()
                    + "); set CLEAVE_TEST_POSTGRES_URL or start the server";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message, e);
            }
            Assumptions.abort(message);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(SERVER_URL.replaceFirst("/[^/?]*(\\?|$)", "/" + DATABASE + "$1"));
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        dataSource = ds;
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (dataSource == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(SERVER_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + DATABASE + " with (force)");
        }
    }

    @BeforeEach
    void createOutbox() {
        store = new SimpleStore(dataSource);
        store.run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists cleave_outbox, cleave_dead_letter");
            }
        });
        outbox = new Outbox("Ledger", store, SETTINGS, new Subscribers(List.of()), type -> null, Optional.empty());
    }

    @AfterEach
    void stopRelay() throws InterruptedException {
        running.set(false);
        if (relay != null) {
            relay.join(10_000);
        }
    }

    @Test
    void aRefusedRowHoldsBackTheRowsOfItsKeyReadWhileItWasInFlight() throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch refuse = new CountDownLatch(1);
        AtomicBoolean refusedOnce = new AtomicBoolean();
        insert("k", "k1", "k2");
        insert("j", "j1");

        start(r -> {
            if (r.equals("k1") && refusedOnce.compareAndSet(false, true)) {
                inFlight.countDown();
                Fakes.latch(refuse);
                return false;
            }
            return true;
        });
        assertThat(inFlight.await(10, TimeUnit.SECONDS)).isTrue();
        insert("k", "k3");
        insert("j", "j2");
        awaitSent(List.of("j1", "j2"), "j");
        refuse.countDown();
        awaitEmptyOutbox();

        assertThat(ofKey("k")).containsExactly("k1 refused", "k1", "k2", "k3");
        assertThat(ofKey("j")).containsExactly("j1", "j2");
    }

    @Test
    void rowsCommittedWhileOthersAreInFlightAreEachSentOnceInOrderPerKey() throws Exception {
        start(r -> {
            Fakes.work(2);
            return true;
        });

        for (int i = 0; i < 30; i++) {
            insert("a", "a" + i);
            insert("b", "b" + i);
            if (i % 3 == 0) {
                insert("c", "c" + i / 3);
            }
            Fakes.work(1);
        }
        awaitEmptyOutbox();

        for (String key : List.of("a", "b", "c")) {
            int count = key.equals("c") ? 10 : 30;
            assertThat(ofKey(key)).containsExactlyElementsOf(java.util.stream.IntStream.range(0, count)
                    .mapToObj(i -> key + i).toList());
        }
    }

    /** Starts the relay with a broker that acknowledges a payload when {@code accepts} says so, else refuses it. */
    private void start(Predicate<String> accepts) {
        KafkaRelay.Sender sender = new KafkaRelay.Sender() {
            @Override
            public boolean ensureTopics(List<String> types) {
                return true;
            }

            @Override
            public KafkaSender.Outcome send(KafkaSender.Record r) {
                String payload = new String(r.payload(), StandardCharsets.UTF_8);
                if (accepts.test(payload)) {
                    sent.add(payload);
                    return KafkaSender.Outcome.ACKNOWLEDGED;
                }
                sent.add(payload + " refused");
                return new KafkaSender.Outcome(false, Optional.of("refused on purpose"));
            }
        };
        KafkaRelay kafkaRelay = new KafkaRelay(outbox, sender, SETTINGS, running::get);
        relay = Thread.ofVirtual().start(() -> {
            try (Connection session = dataSource.getConnection()) {
                kafkaRelay.run(session);
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void insert(String key, String... payloads) {
        store.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into cleave_outbox (id, subscriber, topic, key, payload)"
                    + " values (?, ?, 'T', ?, ?)")) {
                for (String p : payloads) {
                    ps.setString(1, UUID.randomUUID().toString());
                    ps.setString(2, KafkaSender.SUBSCRIBER);
                    ps.setString(3, key);
                    ps.setBytes(4, p.getBytes(StandardCharsets.UTF_8));
                    ps.executeUpdate();
                }
            }
        });
    }

    private List<String> ofKey(String key) {
        return sent.stream().filter(s -> s.startsWith(key)).toList();
    }

    private void awaitSent(List<String> payloads, String key) throws InterruptedException {
        Await.until(Duration.ofSeconds(10), key + "'s rows sent as " + payloads, () -> ofKey(key).equals(payloads),
                () -> ofKey(key));
    }

    private void awaitEmptyOutbox() throws InterruptedException {
        Await.until(Duration.ofSeconds(20), "an empty outbox", () -> outboxRows() == 0, () -> "sent: " + sent);
    }

    private long outboxRows() {
        return store.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from cleave_outbox")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** A store over a data source, each piece of work in a transaction of its own. */
    private record SimpleStore(DataSource dataSource) implements Store {

        /** A connection of the unpooled data source: closing it ends the session. */
        @Override
        public Connection session() throws SQLException {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(true);
            return c;
        }

        @Override
        public <T, X1 extends Exception, X2 extends Exception> T transaction(SqlFunction2<T, X1, X2> work) throws X1, X2 {
            return inTransaction(work);
        }

        @Override
        public <X1 extends Exception, X2 extends Exception> void run(SqlAction2<X1, X2> work) throws X1, X2 {
            this.<Boolean, X1, X2>inTransaction(c -> {
                work.accept(c);
                return Boolean.TRUE;
            });
        }

        @Override
        public <T, X1 extends Exception, X2 extends Exception> T read(SqlFunction2<T, X1, X2> work) throws X1, X2 {
            return inTransaction(work);
        }

        private <T, X1 extends Exception, X2 extends Exception> T inTransaction(SqlFunction2<T, X1, X2> work) throws X1, X2 {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
