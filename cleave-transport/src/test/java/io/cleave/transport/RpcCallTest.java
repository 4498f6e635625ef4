package io.cleave.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.CallContext;
import io.cleave.ComponentUnavailableException;
import io.cleave.MessageTooLargeException;
import io.cleave.RemoteFailureException;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.Wire;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One replica, one client, over a real socket: what a caller sees of a remote call. */
class RpcCallTest {

    private static EchoImpl impl;
    private static RpcServer server;
    private static RpcClient client;
    private static Echo echo;

    @BeforeAll
    static void start() {
        impl = new EchoImpl("solo");
        server = RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, impl).start();
        client = RpcClient.builder().build();
        echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void returnsValuesIntact() {
        Map<String, List<Long>> value = new LinkedHashMap<>();
        value.put("a", List.of(1L, -2L, Long.MAX_VALUE));
        value.put("ü", List.of());

        Map<String, List<Long>> back = echo.mirror(value, new byte[300], 2);

        assertThat(echo.echo("héllo")).isEqualTo("héllo");
        assertThat(back).containsExactly(Map.entry("a", List.of(1L, -2L, Long.MAX_VALUE)), Map.entry("ü", List.of()),
                Map.entry("bytes", List.of(300L, 300L)));
    }

    @Test
    void carriesLargeArgumentsAcrossManyFrames() {
        String big = "x".repeat(3_000_000);

        assertThat(echo.echo(big)).isEqualTo(big);
    }

    @Test
    void argumentsLargerThanAMessageMayBeAreRefusedBeforeAnythingIsSent() {
        String tooBig = "x".repeat(Wire.MAX_MESSAGE_BYTES);
        int callsBefore = impl.calls.get();

        assertThatThrownBy(() -> echo.echo(tooBig))
                .isExactlyInstanceOf(MessageTooLargeException.class)
                .hasMessage("Echo.echo: its arguments encode to 16777221 bytes, more than the 16777216 a call between"
                        + " components may carry ([transport] max-message-bytes); it was not sent");
        assertThat(impl.calls).as("the callee never ran").hasValue(callsBefore);
        assertThat(echo.echo("still connected")).isEqualTo("still connected");
    }

    @Test
    void aReplyLargerThanTheServerMaySendArrivesAsRemoteFailureOnAConnectionThatStays() {
        try (RpcServer small = RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, new EchoImpl("small"))
                .maxMessageBytes(64 * 1024).start()) {
            Echo stub = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(small.replica()));

            assertThatThrownBy(() -> stub.mirror(Map.of(), new byte[0], 70_000))
                    .isInstanceOfSatisfying(RemoteFailureException.class,
                            e -> assertThat(e.remoteType()).isEqualTo(MessageTooLargeException.class.getName()))
                    .hasMessageContaining(": its reply encodes to ")
                    .hasMessageEndingWith(" bytes, more than the 65536 a call between components may carry"
                            + " ([transport] max-message-bytes); the method ran and its result was dropped");
            assertThat(stub.echo("still connected")).isEqualTo("still connected");
        }
    }

    @Test
    void declaredCheckedExceptionArrivesAsItself() {
        assertThatThrownBy(() -> echo.reserve("apples"))
                .isExactlyInstanceOf(OutOfStockException.class)
                .hasMessage("no apples left");
    }

    @Test
    void undeclaredFailureArrivesAsRemoteFailureNamingComponentMethodAndReplica() {
        assertThatThrownBy(() -> echo.crash("boom"))
                .isInstanceOfSatisfying(RemoteFailureException.class, e -> {
                    assertThat(e.component()).isEqualTo("Echo");
                    assertThat(e.method()).isEqualTo("crash");
                    assertThat(e.replica()).isEqualTo(server.replica().toString());
                    assertThat(e.remoteType()).isEqualTo(IllegalStateException.class.getName());
                    assertThat(e).hasMessageContaining("boom");
                });
    }

    @Test
    void calleeSeesRemainingDeadlineAndTraceAndNoCallerOverPlaintext() throws Exception {
        AtomicReference<Long> callerRemainingMicros = new AtomicReference<>();
        CallContext outer = CallContext.builder().traceId("trace-42").build();

        String seen = outer.call(() -> CallContext.withDeadline(Duration.ofSeconds(5), () -> {
            String s = echo.context();
            callerRemainingMicros.set(CallContext.current().remainingNanos() / 1000);
            return s;
        }));

        String[] parts = seen.split("\\|", -1);
        long calleeRemaining = Long.parseLong(parts[0]);
        assertThat(calleeRemaining).isPositive().isLessThanOrEqualTo(5_000_000L);
        assertThat(calleeRemaining).isGreaterThanOrEqualTo(callerRemainingMicros.get());
        assertThat(parts[1]).isEqualTo("trace-42");
        assertThat(parts[2]).as("a caller names itself by its certificate only (TlsTest)").isEmpty();
    }

    @Test
    void calleeWithoutCallerDeadlineSeesTheClientDefaultTimeout() {
        long calleeRemainingMicros = Long.parseLong(echo.context().split("\\|")[0]);

        assertThat(calleeRemainingMicros).isPositive().isLessThanOrEqualTo(30_000_000L);
    }

    @Test
    void slowCalleePastDeadlineFailsCallerAndInterruptsHandler() throws Exception {
        impl.blockStarted = new CountDownLatch(1);
        impl.blockInterrupted = new CountDownLatch(1);

        assertThatThrownBy(() -> CallContext.withDeadline(Duration.ofMillis(200), echo::block))
                .isInstanceOfSatisfying(ComponentUnavailableException.class,
                        e -> assertThat(e).hasMessageContaining("deadline exceeded"));

        assertThat(impl.blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(impl.blockInterrupted.await(10, TimeUnit.SECONDS)).as("callee handler interrupted").isTrue();
    }

    @Test
    void aCallerInterruptedBeforeCallingSendsNothing() throws Exception {
        CallerThread caller = new CallerThread(() -> {
            Thread.currentThread().interrupt();
            return echo.echo("from an interrupted thread");
        });

        assertThat(caller.thrown(Duration.ofSeconds(10))).isInstanceOfSatisfying(ComponentUnavailableException.class, e -> {
            assertThat(e).hasMessageContaining("interrupted").hasMessageContaining("nothing was sent");
            assertThat(e.certainlyNotDelivered()).isTrue();
        });
    }

    @Test
    void aCallerInterruptedMidCallFailsAloneAndTheConnectionCarriesOn() throws Exception {
        Semaphore started = new Semaphore(0);
        CountDownLatch release = new CountDownLatch(1);
        impl.onCall = () -> {
            started.release();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try {
            CompletableFuture<String> other = CompletableFuture.supplyAsync(echo::whoAmI,
                    command -> Thread.ofVirtual().start(command));
            assertThat(started.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

            CallerThread caller = new CallerThread(echo::whoAmI);
            // Both calls now wait in the handler on the same connection; the reply cannot come first.
            assertThat(started.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            caller.interrupt(); // the caller then sends CANCEL with its interrupt flag still set
            assertThat(caller.thrown(Duration.ofSeconds(10))).isInstanceOf(ComponentUnavailableException.class)
                    .hasMessageContaining("interrupted while waiting");

            release.countDown();
            assertThat(other.get(10, TimeUnit.SECONDS)).as("the call in flight on the same connection").isEqualTo("solo");
            assertThat(echo.whoAmI()).as("a later call on the same connection").isEqualTo("solo");
        } finally {
            impl.onCall = () -> { };
            release.countDown();
        }
    }

    @Test
    void aShortDeadlineIsKeptWhileACallWithALongerOneWaits() throws Exception {
        impl.blockStarted = new CountDownLatch(1);
        impl.blockInterrupted = new CountDownLatch(1);
        // The caller's deadline sweep is first set for this call, 60 s out.
        CallerThread longCaller = new CallerThread(() -> CallContext.withDeadline(Duration.ofSeconds(60), echo::block));
        assertThat(impl.blockStarted.await(10, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        assertThatThrownBy(() -> CallContext.withDeadline(Duration.ofMillis(300), echo::block))
                .isInstanceOfSatisfying(ComponentUnavailableException.class,
                        e -> assertThat(e).hasMessageContaining("deadline exceeded"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a sweep set only for the 60 s call would wait that long")
                .isLessThan(Duration.ofSeconds(30));

        longCaller.interrupt();
        assertThat(longCaller.thrown(Duration.ofSeconds(10))).isInstanceOf(ComponentUnavailableException.class).hasMessageContaining("interrupted");
    }

    @Test
    void serverCancelsACallAtItsDeadlineWithoutWordFromTheCaller() throws Exception {
        impl.blockStarted = new CountDownLatch(1);
        impl.blockInterrupted = new CountDownLatch(1);
        int block = Echo_Cleave.DESCRIPTOR.methods().stream().filter(m -> m.name().equals("block")).findFirst().orElseThrow().id();
        byte[] bytes = Frame.request(1, "Echo".getBytes(StandardCharsets.UTF_8), block, TimeUnit.MILLISECONDS.toMicros(200),
                new byte[0], new byte[0], 0);

        // A raw connection that sends the request and then nothing: no CANCEL, no close.
        try (Socket raw = new Socket(server.replica().host(), server.replica().port())) {
            raw.getOutputStream().write(bytes);
            raw.getOutputStream().flush();

            assertThat(impl.blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(impl.blockInterrupted.await(10, TimeUnit.SECONDS)).as("callee handler interrupted").isTrue();
        }
    }

    @Test
    void interruptingTheCallerCancelsTheRemoteCall() throws Exception {
        impl.blockStarted = new CountDownLatch(1);
        impl.blockInterrupted = new CountDownLatch(1);
        CallerThread caller = new CallerThread(echo::block);

        assertThat(impl.blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();

        assertThat(caller.thrown(Duration.ofSeconds(10)))
                .isInstanceOf(ComponentUnavailableException.class)
                .hasMessageContaining("interrupted");
        assertThat(impl.blockInterrupted.await(10, TimeUnit.SECONDS)).as("callee handler interrupted").isTrue();
    }

    @Test
    void callWhoseDeadlineAlreadyPassedIsNotSent() {
        int before = impl.calls.get();
        CallContext expired = CallContext.builder().remaining(Duration.ZERO).build();

        assertThatThrownBy(() -> expired.call(() -> echo.echo("late")))
                .isInstanceOfSatisfying(ComponentUnavailableException.class,
                        e -> assertThat(e.certainlyNotDelivered()).isTrue());
        assertThat(impl.calls.get()).isEqualTo(before);
    }

    @Test
    void unknownComponentIsRejectedAsCertainlyNotDelivered() {
        MethodDescriptor ghost = new MethodDescriptor("Ghost", 0, "boo", "boo()", false, -1, List.of(), List.of(), io.cleave.spi.Codecs.STRING, List.of());

        assertThatThrownBy(() -> client.invoker("Ghost", RoutingTable.of(server.replica())).invoke(ghost, new Object[0]))
                .isInstanceOfSatisfying(ComponentUnavailableException.class, e -> {
                    assertThat(e.certainlyNotDelivered()).isTrue();
                    assertThat(e).hasMessageContaining("no component \"Ghost\"");
                });
    }

    @Test
    void manyConcurrentCallersShareOneConnection() throws Exception {
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 64; t++) {
            int id = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 50; i++) {
                    if (echo.echo(id + ":" + i).equals(id + ":" + i)) {
                        ok.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }

        assertThat(ok.get()).isEqualTo(64 * 50);
    }
}
