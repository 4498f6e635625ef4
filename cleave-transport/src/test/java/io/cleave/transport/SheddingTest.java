package io.cleave.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.OverloadedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server's concurrency limit: calls past it are answered OVERLOADED at once, without running. */
class SheddingTest {

    @Test
    void callsPastTheLimitAreShedAtOnceWhileTheAdmittedOnesRun() throws Exception {
        EchoImpl impl = new EchoImpl("busy");
        Semaphore started = new Semaphore(0);
        CountDownLatch release = new CountDownLatch(1);
        impl.onCall = () -> {
            started.release();
            await(release);
        };
        try (RpcServer server = RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, impl).concurrencyLimit(4, 4, 4, Duration.ofSeconds(10))
                .start(); RpcClient client = RpcClient.builder().maxAttempts(1).build()) {
            Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));
            List<CallerThread> admitted = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                admitted.add(new CallerThread(echo::whoAmI));
            }
            assertThat(started.tryAcquire(4, 30, TimeUnit.SECONDS)).as("4 calls running").isTrue();

            List<Throwable> shed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                shed.add(new CallerThread(echo::whoAmI).thrown(Duration.ofSeconds(30)));
            }

            assertThat(shed).as("answered while the 4 admitted calls still run: shed, not queued").allSatisfy(t ->
                    assertThat(t).isInstanceOfSatisfying(OverloadedException.class, e -> {
                        assertThat(e.certainlyNotDelivered()).isTrue();
                        assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(RpcServer.OVERLOAD_RETRY_AFTER_MILLIS));
                        assertThat(e).hasMessageContaining("Echo.whoAmI").hasMessageContaining("overloaded")
                                .hasMessageContaining("concurrency limit");
                    }));
            assertThat(impl.calls).as("only the admitted calls ran").hasValue(4);

            release.countDown();
            for (CallerThread c : admitted) {
                assertThat(c.thrown(Duration.ofSeconds(30))).isNull();
            }
            assertThat(echo.echo("room again")).isEqualTo("room again");
            assertThat(client.status(server.replica()).health()).as("shedding is not failing").isEqualTo(Health.HEALTHY);
        }
    }

    @Test
    void slowCallsLowerTheLimit() throws Exception {
        EchoImpl impl = new EchoImpl("slow");
        impl.onCall = () -> sleep(Duration.ofMillis(60)); // slower than the slow-call threshold below
        try (RpcServer server = RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, impl).concurrencyLimit(8, 2, 8, Duration.ofMillis(40))
                .start(); RpcClient client = RpcClient.builder().maxAttempts(1).build()) {
            Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));
            for (int i = 0; i < 8; i++) {
                echo.whoAmI(); // each one slow: 8 -> 7 -> 6 -> 5 -> 4 -> 3 -> 2 -> 2
            }
            Semaphore started = new Semaphore(0);
            CountDownLatch release = new CountDownLatch(1);
            impl.onCall = () -> {
                started.release();
                await(release);
            };

            List<CallerThread> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                calls.add(new CallerThread(echo::whoAmI));
            }
            assertThat(started.tryAcquire(2, 30, TimeUnit.SECONDS)).isTrue();
            Throwable third = new CallerThread(echo::whoAmI).thrown(Duration.ofSeconds(30));

            assertThat(third).as("the limit came down to 2").isInstanceOf(OverloadedException.class);
            release.countDown();
            for (CallerThread c : calls) {
                assertThat(c.thrown(Duration.ofSeconds(30))).isNull();
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
