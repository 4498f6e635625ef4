package io.cleave.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The legacy shop in a JVM of its own, killed with {@code kill -9} while signups are in flight. */
class LegacyShopCrashTest {

    private static final int WRITERS = 8;
    /** A writer stops after this many signups even if the kill never came; far more than a round needs. */
    private static final int MAX_SIGNUPS_PER_WRITER = 5_000;
    private static final long ROUND_TIMEOUT_SECONDS = 120;

    @TempDir
    Path data;

    @TempDir
    Path logs;

    /**
     * Three rounds on one data directory, each killed after a different number of acknowledged signups.
     * After each restart: every signup answered {@code 201} is there (signing it up again answers
     * {@code 200}), and the count of subscribers is exactly the addresses found there, so none is stored twice.
     */
    @Test
    void killNineWhileSigningUpLosesNoAcknowledgedSignupAndStoresNoneTwice() throws Exception {
        long subscribersBefore = 0;
        for (int round : List.of(1, 2, 3)) {
            Round outcome = signUpUntilKilled(round, 100 * round);

            try (LegacyProcess restarted = LegacyProcess.start(data, logs)) {
                ShopClient client = new ShopClient(restarted.awaitRunning());
                long subscribers = client.subscribers();
                int foundAgain = 0;
                int lost = 0;
                for (String email : outcome.attempted()) {
                    int status = client.signUp(email).statusCode();
                    if (status == 200) {
                        foundAgain++;
                    } else {
                        assertThat(status).as("signing up %s again", email).isEqualTo(201);
                        assertThat(outcome.acknowledged()).as("acknowledged before the kill, lost after it").doesNotContain(email);
                        lost++;
                    }
                }

                System.out.printf("round %d: %d signups sent, %d acknowledged before kill -9, %d more found after restart,"
                        + " %d lost unacknowledged%n", round, outcome.attempted().size(), outcome.acknowledged().size(),
                        foundAgain - outcome.acknowledged().size(), lost);
                assertThat(outcome.acknowledged()).hasSizeGreaterThanOrEqualTo(100 * round);
                assertThat(outcome.unexpected()).as("answers other than 201 to a first signup").isZero();
                assertThat(subscribers).as("subscribers after restart %d", round)
                        .isEqualTo(subscribersBefore + foundAgain)
                        .isGreaterThanOrEqualTo(subscribersBefore + outcome.acknowledged().size());
                subscribersBefore = subscribers + lost;
                assertThat(client.subscribers()).isEqualTo(subscribersBefore);
            }
        }
    }

    @Test
    void refusesASecondShopOnTheSameDataDirectoryNamingIt() throws Exception {
        try (LegacyProcess first = LegacyProcess.start(data, logs)) {
            first.awaitRunning();

            LegacyProcess second = LegacyProcess.start(data, logs);

            assertThat(second.awaitExit()).isEqualTo(1);
            assertThat(second.stderr()).contains("legacy: cannot start: the database in " + data.toAbsolutePath())
                    .contains("is in use by another process (another legacy shop with the same --data?)");
        }
    }

    @Test
    void printsUsageAndExitsWith2OnABadArgument() throws Exception {
        LegacyProcess shop = LegacyProcess.start(data, logs, "--port=http");

        assertThat(shop.awaitExit()).isEqualTo(2);
        assertThat(shop.stderr()).startsWith("legacy: --port=http: the port must be a number from 0 to 65535")
                .contains("usage: LegacyShop [--port=9090] [--data=DIR]");
    }

    private record Round(Set<String> attempted, Set<String> acknowledged, int unexpected) {
    }

    /** Signs up new addresses from {@link #WRITERS} clients until {@code killAfter} are acknowledged, then kills the shop. */
    private Round signUpUntilKilled(int round, int killAfter) throws Exception {
        Set<String> attempted = ConcurrentHashMap.newKeySet();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger unexpected = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        CountDownLatch enough = new CountDownLatch(killAfter);
        LegacyProcess shop = LegacyProcess.start(data, logs);
        URI uri = shop.awaitRunning();
        ShopClient client = new ShopClient(uri);
        CountDownLatch writersDone = new CountDownLatch(WRITERS);
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread.ofVirtual().name("signups-" + round + "-" + w).start(() -> {
                try {
                    for (int i = 0; i < MAX_SIGNUPS_PER_WRITER; i++) {
                        String email = "r" + round + "-w" + writer + "-" + i + "@example.com";
                        attempted.add(email);
                        HttpResponse<String> response = client.trySignUp(email);
                        if (response.statusCode() == 201) {
                            acknowledged.add(email);
                            enough.countDown();
                        } else if (!killed.get()) {
                            unexpected.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    // the shop was killed under this request: it may or may not have been stored
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    writersDone.countDown();
                }
            });
        }

        assertThat(enough.await(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .as("%d signups acknowledged within %ds; stderr: %s", killAfter, ROUND_TIMEOUT_SECONDS, shop.stderr())
                .isTrue();
        killed.set(true);
        shop.kill();
        assertThat(writersDone.await(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("writers stopped after the kill").isTrue();
        return new Round(Set.copyOf(attempted), Set.copyOf(acknowledged), unexpected.get());
    }
}
