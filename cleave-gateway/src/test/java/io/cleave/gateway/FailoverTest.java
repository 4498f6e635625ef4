package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.spi.testing.Await;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replicas in processes of their own, killed or stopped under load. */
class FailoverTest {

    private final List<BackendProcess> backends = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FrontDoor gateway;

    @BeforeEach
    void start() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            backends.add(BackendProcess.start(name));
        }
        gateway = Gateways.start("failover", "upstream-timeout = \"2s\"\naccess-log = false\n",
                backends.stream().map(BackendProcess::uri).toList());
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        for (BackendProcess b : backends) {
            b.close();
        }
    }

    /** GETs from clients in a loop until stopped: counts answers by backend, failures, and the slowest. */
    private final class Load implements AutoCloseable {
        final Map<String, AtomicInteger> byBackend = new ConcurrentHashMap<>();
        final AtomicInteger ok = new AtomicInteger();
        final List<String> failures = new ArrayList<>();
        final AtomicLong slowestNanos = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        private final List<Future<?>> clients = new ArrayList<>();

        Load(int clients) {
            for (int c = 0; c < clients; c++) {
                this.clients.add(pool.submit(this::loop));
            }
        }

        private void loop() {
            // bounded: stops when asked, and in any case after 20,000 requests per client
            for (int i = 0; i < 20_000 && running.get(); i++) {
                long start = System.nanoTime();
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(Gateways.web(gateway, "/"))
                            .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                        byBackend.computeIfAbsent(r.body(), k -> new AtomicInteger()).incrementAndGet();
                    } else {
                        synchronized (failures) {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e.toString());
                    }
                }
                slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            }
        }

        void awaitMore(int n) throws InterruptedException {
            int target = ok.get() + n;
            Await.until(Duration.ofSeconds(30), n + " more answered GETs", () -> ok.get() >= target || !failures.isEmpty());
        }

        @Override
        public void close() {
            running.set(false);
            pool.close(); // waits for the clients, each within its request timeout
        }
    }

    @Test
    void killingAReplicaWithMinusNineUnderLoadFailsNoGet() throws Exception {
        BackendProcess victim = backends.get(1);
        Load load = new Load(8);
        try (load) {
            load.awaitMore(300);

            victim.signal("KILL");
            victim.process.waitFor();
            load.awaitMore(100); // answers b sent before it died may still be counted during these
            int afterKill = load.byBackend.get("b").get();
            load.awaitMore(500);

            assertThat(load.byBackend.get("b").get()).isEqualTo(afterKill);
        }

        assertThat(load.failures).isEmpty();
        assertThat(load.byBackend.get("a").get()).isPositive();
        assertThat(load.byBackend.get("c").get()).isPositive();
    }

    @Test
    void aStoppedReplicaIsEjectedAndGetsKeepSucceeding() throws Exception {
        BackendProcess victim = backends.get(2);
        try {
            Load load = new Load(4);
            try (load) {
                load.awaitMore(200);

                victim.signal("STOP");
                load.awaitMore(100); // some of these waited for upstream-timeout and were retried elsewhere
                Await.until(Duration.ofSeconds(15), "the stopped replica ejected", () -> quickGets(20));
                load.slowestNanos.set(0);
                load.awaitMore(300);

                // none of these waited for the stopped replica's upstream-timeout (2 s)
                assertThat(Duration.ofNanos(load.slowestNanos.get())).isLessThan(Duration.ofMillis(1500));
            }
            assertThat(load.failures).isEmpty();
        } finally {
            victim.signal("CONT");
        }
    }

    private boolean quickGets(int n) {
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(Gateways.web(gateway, "/"))
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || System.nanoTime() - start > Duration.ofMillis(500).toNanos()) {
                    return false;
                }
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }
}
