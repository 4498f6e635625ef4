package io.cleave.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.spi.testing.AppPreparation;
import io.cleave.spi.testing.ProviderRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of every process involved in a store: the process that owns the embedded
 * server, the server itself, and a replica beside another. Each test runs real processes on a
 * fresh data directory; every wait is bounded.
 */
class EmbeddedServerCrashTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    private final List<Process> children = new ArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        children.forEach(Process::destroyForcibly);
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        stopOrphanedServer();
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillingTheOwnerAndTheNextOwnerAdoptsItsServer() throws Exception {
        Child owner = start("own", "owner", 10_000);
        owner.awaitLine("ready");
        long serverPid = serverPid();

        owner.acknowledgements(150);
        owner.process().destroyForcibly();
        Set<String> acknowledged = owner.allAcknowledgements();
        Store store = ownAndOpen();

        assertThat(serverPid()).as("the orphaned server is adopted, not replaced").isEqualTo(serverPid);
        assertThat(ids(store)).containsAll(acknowledged);
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillingTheServerWhichItsOwnerRestarts() throws Exception {
        Store store = ownAndOpen();
        Child writer = start("join", "writer", 10_000);
        writer.awaitLine("ready");
        long killedPid = serverPid();

        writer.acknowledgements(150);
        ProcessHandle.of(killedPid).orElseThrow().destroyForcibly();
        ProcessHandle.of(killedPid).ifPresent(h -> h.onExit().join());
        writer.process().destroyForcibly();
        Set<String> acknowledged = writer.allAcknowledgements();

        Set<String> stored = untilAnswered(() -> ids(store));
        assertThat(serverPid()).as("a new server runs").isNotEqualTo(killedPid);
        assertThat(stored).containsAll(acknowledged);
    }

    @Test
    void killingOneReplicaNeverDisturbsAnother() throws Exception {
        ownAndOpen();
        Child first = start("join", "first", 1_000_000);
        first.awaitLine("ready");
        Store second = open();
        first.acknowledgements(50);
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger commits = new AtomicInteger();

        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 300; i++) {
                String id = "second-" + i;
                try {
                    second.run(c -> EmbeddedStoreTest.insert(c, id, "beside a killed replica"));
                    commits.incrementAndGet();
                } catch (StoreException e) {
                    failures.incrementAndGet();
                }
                if (i == 100) {
                    first.process().destroyForcibly();
                }
            }
        });
        writer.join(WAIT.toMillis());

        assertThat(writer.isAlive()).isFalse();
        assertThat(first.process().isAlive()).isFalse();
        assertThat(failures.get()).isZero();
        assertThat(commits.get()).isEqualTo(300);
    }

    // ---- helpers --------------------------------------------------------------------------

    private Store ownAndOpen() throws Exception {
        toClose.add(new StoreProvider().prepare(new AppPreparation("shop", dataDir, Map.of()).need("Catalog", Store.class)));
        return open();
    }

    private Store open() throws Exception {
        ProviderRequest request = new ProviderRequest("Catalog", Store.class, "store", Map.of(), dataDir);
        Store store = (Store) new StoreProvider().provide(request).orElseThrow();
        toClose.add(request::stop);
        return store;
    }

    private static Set<String> ids(Store store) {
        return store.read(c -> {
            Set<String> ids = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("select id from item"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    /** Retries a query while the server restarts (connections to the killed one fail once each). */
    private static <T> T untilAnswered(java.util.function.Supplier<T> query) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return query.get();
            } catch (StoreException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private long serverPid() throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/cluster/postmaster.pid")).get(0).strip());
    }

    /** A server whose owner the test killed, and which the test did not adopt. */
    private void stopOrphanedServer() {
        try {
            ProcessHandle.of(serverPid()).ifPresent(h -> {
                h.destroyForcibly();
                h.onExit().join();
            });
        } catch (IOException e) {
            // no server ran, or it stopped and removed its pid file
        }
    }

    private Child start(String mode, String prefix, int count) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StoreProcess.class.getName(),
                mode, dataDir.toString(), prefix, Integer.toString(count))
                .redirectErrorStream(true).start();
        children.add(p);
        return new Child(p);
    }

    /** A child process and the lines it prints. */
    private static final class Child {

        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Set<String> acks = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Thread reader;

        Child(Process process) {
            this.process = process;
            this.reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("ack ")) {
                            acks.add(line.substring(4));
                        }
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process was killed
                }
            });
        }

        Process process() {
            return process;
        }

        /** Every acknowledgement the killed process printed, once its output ended. */
        Set<String> allAcknowledgements() throws InterruptedException {
            assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            reader.join(WAIT.toMillis());
            assertThat(reader.isAlive()).isFalse();
            return Set.copyOf(acks);
        }

        void awaitLine(String expected) throws InterruptedException {
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() - deadline < 0) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                    if (line.equals(expected)) {
                        return;
                    }
                }
            }
            throw new AssertionError("no line \"" + expected + "\" within " + WAIT + "; the process printed: " + seen);
        }

        /** Waits until {@code n} acknowledgements came; the caller kills the process right after. */
        void acknowledgements(int n) throws InterruptedException {
            Set<String> seen = new HashSet<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (seen.size() < n && System.nanoTime() - deadline < 0) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith("ack ")) {
                    seen.add(line.substring(4));
                }
            }
            assertThat(seen).as("acknowledgements before the kill").hasSize(n);
        }
    }
}
