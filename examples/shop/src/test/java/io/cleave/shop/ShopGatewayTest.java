package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cleave.spi.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The split shop as {@code ./shop --services} runs it: a gateway group serves the storefront's
 * address in front of two storefront replicas. A storefront replica killed ({@code kill -9})
 * or hung ({@code SIGSTOP}) under load fails no read: the gateway sends a read in flight on it
 * to the other replica, and new requests only there until it is back. The gateway's own process
 * killed or hung is replaced on the same public address.
 */
class ShopGatewayTest {

    private static final int CLIENTS = 4;
    private static final int ATTEMPTS_PER_ADDRESS = 3;

    @TempDir
    Path directory;

    @Test
    void aStorefrontReplicaKilledOrHungBehindTheGatewayFailsNoRead() throws Exception {
        try (SplitShop shop = SplitShop.start(directory, Optional.empty(),
                Map.of("Users.login-attempts-per-address", String.valueOf(ATTEMPTS_PER_ADDRESS)))) {
            JsonNode groups = shop.status().get("groups");
            List<String> log = shop.log();
            assertThat(names(groups)).contains("gateway", "Storefront");
            assertThat(lineOf(log, " supervisor gateway/0 launched, pid "))
                    .as("the gateway starts with the first groups (it answers 503 until a storefront is ready)")
                    .isLessThan(lineOf(log, " supervisor Storefront/0 launched, pid "))
                    .isLessThan(lineOf(log, " supervisor Users/0 ready on "));
            assertThat(replicas(groups, "gateway")).isEqualTo(1);
            assertThat(replicas(groups, "Storefront")).isEqualTo(2);
            ShopClient client = shop.client();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                tokens.add(client.signUp("gateway-" + UUID.randomUUID() + "@example.com"));
            }
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger reads = new AtomicInteger();
            List<String> failed = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch warm = new CountDownLatch(CLIENTS);
            List<Thread> threads = new ArrayList<>();
            for (String token : tokens) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int n = 1; running.get() && n < 100_000; n++) {
                        check(() -> client.get("/api/cart", token), reads, failed);
                        check(() -> client.get("/api/products?q=lamp&limit=5", null), reads, failed);
                        if (n == 20) {
                            warm.countDown();
                        }
                    }
                }));
            }
            try {
                assertThat(warm.await(60, TimeUnit.SECONDS)).as("clients warmed up").isTrue();

                long killed = shop.pid("Storefront", 0);
                ProcessHandle.of(killed).orElseThrow().destroyForcibly();
                ProcessHandle.of(killed).ifPresent(h -> h.onExit().join());
                Await.until(Duration.ofSeconds(120), "Storefront/0 back",
                        () -> shop.healthy() && shop.pid("Storefront", 0) != killed);
                int afterRestart = reads.get();
                Await.until(Duration.ofSeconds(30), "reads after the restart", () -> reads.get() > afterRestart + 100);

                long hung = shop.pid("Storefront", 1);
                signal("STOP", hung);
                try {
                    int whileHung = reads.get();
                    Await.until(Duration.ofSeconds(60), "reads while Storefront/1 is hung",
                            () -> reads.get() > whileHung + 200);
                } finally {
                    signal("CONT", hung);
                }
            } finally {
                running.set(false);
                for (Thread t : threads) {
                    t.join(Duration.ofSeconds(90));
                }
            }

            assertThat(failed).as("reads failed behind the gateway, out of " + reads.get()).isEmpty();
            assertThat(reads.get()).isGreaterThan(300);

            aClientCannotChooseItsAddressWithXForwardedFor(shop.client().base());
            aGatewayKilledOrHungIsReplacedOnTheSameAddress(shop);
        }
    }

    /**
     * The front door itself: {@code kill -9} of the gateway's one process, then {@code SIGSTOP} of
     * its successor (it keeps its listening socket, so the kernel still accepts connections for
     * it). Each time the supervisor starts another on the same public address (the stopped one
     * killed first, which frees the address), and the shop answers through it again.
     */
    private static void aGatewayKilledOrHungIsReplacedOnTheSameAddress(SplitShop shop) throws Exception {
        long killed = shop.pid("gateway", 0);
        ProcessHandle.of(killed).orElseThrow().destroyForcibly();
        ProcessHandle.of(killed).ifPresent(h -> h.onExit().join());
        Await.until(Duration.ofSeconds(120), "a new gateway answering after kill -9",
                () -> running(shop, "gateway") != killed && shop.healthy());

        long hung = shop.pid("gateway", 0);
        signal("STOP", hung);
        try {
            Await.until(Duration.ofSeconds(120), "the hung gateway replaced",
                    () -> running(shop, "gateway") != hung && shop.healthy());
        } finally {
            ProcessHandle.of(hung).ifPresent(h -> {
                try {
                    signal("CONT", hung);
                } catch (Exception | AssertionError e) {
                    // it was killed in between: nothing to resume
                }
            });
        }
        assertThat(ProcessHandle.of(hung).map(ProcessHandle::isAlive)).as("the hung gateway was killed").isNotEqualTo(
                java.util.Optional.of(true));
    }

    /** The pid of a group's first replica, or 0 while none runs. */
    private static long running(SplitShop shop, String group) {
        return shop.replicas().stream().filter(p -> p.name().equals(group + "/0")).mapToLong(SplitShop.Proc::pid)
                .findFirst().orElse(0);
    }

    /**
     * The storefront replicas believe the gateway's {@code X-Forwarded-For} and no one else's: a
     * client that writes a new address into it on each failed log-in is still throttled by its own.
     */
    private static void aClientCannotChooseItsAddressWithXForwardedFor(URI gateway) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 1; i <= ATTEMPTS_PER_ADDRESS + 1; i++) {
            HttpRequest logIn = HttpRequest.newBuilder(gateway.resolve("/api/sessions"))
                    .header("content-type", "application/json").header("X-Forwarded-For", "203.0.113." + i)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"nobody-" + i
                            + "@example.com\", \"password\": \"wrong\"}")).build();
            statuses.add(http.send(logIn, HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        assertThat(statuses).as("failed log-ins, each claiming another address").endsWith(429)
                .doesNotContain(200, 500, 503);
    }

    private static List<String> names(JsonNode groups) {
        List<String> names = new ArrayList<>();
        groups.forEach(g -> names.add(g.get("name").asText()));
        return names;
    }

    private static int replicas(JsonNode groups, String name) {
        for (JsonNode g : groups) {
            if (g.get("name").asText().equals(name)) {
                return g.get("replicas").size();
            }
        }
        throw new AssertionError("no group " + name + " in " + groups);
    }

    private static void check(Supplier<ShopClient.Reply> call, AtomicInteger count, List<String> failures) {
        ShopClient.Reply reply;
        try {
            reply = call.get();
        } catch (UncheckedIOException e) {
            reply = new ShopClient.Reply(-1, e.getMessage(), "", -1);
        }
        count.incrementAndGet();
        if (reply.status() != 200) {
            failures.add(reply.status() + " " + reply.body());
        }
    }

    private static int lineOf(List<String> log, String text) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with \"" + text + "\" in the supervisor's log");
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -" + signal + " " + pid).isZero();
    }
}
