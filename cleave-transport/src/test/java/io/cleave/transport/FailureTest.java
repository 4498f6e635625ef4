package io.cleave.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.CallContext;
import io.cleave.ComponentUnavailableException;
import io.cleave.spi.Invoker;
import io.cleave.spi.Writer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas that die, refuse, drop or go silent: retries only where safe, and routing around
 * the dead. Each test kills servers, so each starts its own.
 */
class FailureTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable r : resources.reversed()) {
            r.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T r) {
        resources.add(r);
        return r;
    }

    private RpcServer serve(EchoImpl impl) {
        return closeLater(RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, impl).start());
    }

    @Test
    void nonIdempotentCallIsNotRetriedAfterItWasSent() {
        EchoImpl doomedImpl = new EchoImpl("doomed");
        EchoImpl healthyImpl = new EchoImpl("healthy");
        RpcServer doomed = serve(doomedImpl);
        RpcServer healthy = serve(healthyImpl);
        doomedImpl.onCall = doomed::kill; // the replica crashes while running the call
        RpcClient client = closeLater(RpcClient.builder().balancer(Balancer.ROUND_ROBIN).build());
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(doomed.replica(), healthy.replica()));

        assertThatThrownBy(echo::once)
                .isInstanceOfSatisfying(ComponentUnavailableException.class,
                        e -> assertThat(e.certainlyNotDelivered()).isFalse());
        assertThat(doomedImpl.calls.get()).isEqualTo(1);
        assertThat(healthyImpl.calls.get()).isZero();
    }

    @Test
    void anIdempotentCallThatMayHaveRunIsLeftToThePoliciesToRetry() {
        EchoImpl doomedImpl = new EchoImpl("doomed");
        EchoImpl healthyImpl = new EchoImpl("healthy");
        RpcServer doomed = serve(doomedImpl);
        RpcServer healthy = serve(healthyImpl);
        doomedImpl.onCall = doomed::kill;
        RpcClient client = closeLater(RpcClient.builder().balancer(Balancer.ROUND_ROBIN).build());
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(doomed.replica(), healthy.replica()));

        // the replica died while running it: whether it ran is unknown, and only a policy with a
        // retry budget may try again (cleave-resilience's PoliciesTest)
        assertThatThrownBy(echo::whoAmI).isInstanceOfSatisfying(ComponentUnavailableException.class,
                e -> assertThat(e.certainlyNotDelivered()).isFalse());
        assertThat(doomedImpl.calls.get()).isEqualTo(1);
        assertThat(healthyImpl.calls.get()).isZero();
    }

    @Test
    void callThatCertainlyDidNotArriveIsRetriedEvenIfNotIdempotent() throws IOException {
        Replica nobody = unusedPort();
        EchoImpl healthyImpl = new EchoImpl("healthy");
        RpcServer healthy = serve(healthyImpl);
        RpcClient client = closeLater(RpcClient.builder().balancer(Balancer.ROUND_ROBIN).build());
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(nobody, healthy.replica()));

        assertThat(echo.once()).isEqualTo("healthy");
        assertThat(healthyImpl.calls.get()).isEqualTo(1);
    }

    @Test
    void noReachableReplicaFailsAsCertainlyNotDelivered() throws IOException {
        RpcClient client = closeLater(RpcClient.builder().retryBackoff(Duration.ofMillis(1)).build());
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(unusedPort()));

        assertThatThrownBy(echo::once)
                .isInstanceOfSatisfying(ComponentUnavailableException.class, e -> {
                    assertThat(e.certainlyNotDelivered()).isTrue();
                    assertThat(e).hasMessageContaining("cannot connect");
                });
    }

    @Test
    void deadReplicaStopsGettingCallsWithinOneSecond() {
        List<EchoImpl> impls = new ArrayList<>();
        List<RpcServer> servers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            EchoImpl impl = new EchoImpl("r" + i);
            impls.add(impl);
            servers.add(serve(impl));
        }
        RpcClient client = closeLater(RpcClient.builder().build());
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR,
                RoutingTable.of(servers.get(0).replica(), servers.get(1).replica(), servers.get(2).replica()));
        for (int i = 0; i < 100; i++) {
            echo.whoAmI();
        }
        Replica victim = servers.get(1).replica();

        servers.get(1).kill();
        long killed = System.nanoTime();
        long routedAfterOneSecond = -1;
        int answered = 0;
        int lostInFlight = 0;
        while (System.nanoTime() - killed < TimeUnit.MILLISECONDS.toNanos(1500)) {
            if (routedAfterOneSecond < 0 && System.nanoTime() - killed >= TimeUnit.SECONDS.toNanos(1)) {
                routedAfterOneSecond = client.status(victim).calls();
            }
            try {
                assertThat(echo.whoAmI()).isIn("r1", "r3");
                answered++;
            } catch (ComponentUnavailableException e) {
                // sent to the dead replica before its connection was known to be gone: whether it ran is
                // unknown, so the transport does not retry it (a policy would, for this idempotent call)
                assertThat(e.certainlyNotDelivered()).isFalse();
                lostInFlight++;
            }
        }

        assertThat(answered).isPositive();
        assertThat(lostInFlight).as("calls lost on the dead replica's connection").isLessThanOrEqualTo(1);
        assertThat(client.status(victim).calls()).isEqualTo(routedAfterOneSecond);
        assertThat(client.status(victim).health()).isIn(Health.UNHEALTHY, Health.EJECTED);
    }

    @Test
    void replicaFailingCallsInARowIsEjected() throws Exception {
        DroppingServer flaky = closeLater(new DroppingServer());
        EchoImpl healthyImpl = new EchoImpl("healthy");
        RpcServer healthy = serve(healthyImpl);
        RpcClient client = closeLater(RpcClient.builder()
                .maxAttempts(1)
                .ejection(3, Duration.ofMinutes(1))
                .pingInterval(Duration.ofMinutes(1))
                .build());
        RoutingTable table = RoutingTable.of(flaky.replica());
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, table);

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(echo::whoAmI).isInstanceOf(ComponentUnavailableException.class);
        }
        assertThat(client.status(flaky.replica()).health()).isEqualTo(Health.EJECTED);

        table.add(healthy.replica());
        long before = client.status(flaky.replica()).calls();
        for (int i = 0; i < 50; i++) {
            assertThat(echo.whoAmI()).isEqualTo("healthy");
        }
        assertThat(client.status(flaky.replica()).calls()).isEqualTo(before);
    }

    @Test
    void replicaWhoseConnectionsOpenButWhichNeverAnswersIsNeverHealthy() throws Exception {
        // As a stopped process: the kernel accepts its connections, nothing answers on them.
        SilentServer silent = closeLater(new SilentServer());
        RpcClient client = closeLater(RpcClient.builder().pingInterval(Duration.ofMillis(100)).build());
        Set<Health> seen = EnumSet.noneOf(Health.class);
        long start = System.nanoTime();
        RoutingTable table = RoutingTable.of(silent.replica());
        Invoker invoker = client.invoker(Echo_Cleave.DESCRIPTOR.name(), table);

        client.watch(table);

        assertThat(eventually(() -> {
            seen.add(client.status(silent.replica()).health());
            return silent.accepted.size() >= 3; // closed as silent and reopened twice
        })).isTrue();
        assertThat(client.status(silent.replica()).health()).isEqualTo(Health.UNHEALTHY);
        assertThat(seen).doesNotContain(Health.HEALTHY).contains(Health.UNHEALTHY);
        assertThat(invoker.answeredAgainSince(start)).as("news for an open breaker: connections alone are none").isFalse();
    }

    @Test
    void aReplicaRestartedOnItsAddressIsNewsForAnOpenBreakerOnceItAnswers() throws Exception {
        RpcServer first = serve(new EchoImpl("first"));
        Replica address = first.replica();
        RpcClient client = closeLater(RpcClient.builder().pingInterval(Duration.ofMillis(200)).build());
        Invoker invoker = client.invoker(Echo_Cleave.DESCRIPTOR.name(), RoutingTable.of(address));
        Echo echo = Echo_Cleave.DESCRIPTOR.stub().apply(invoker);
        assertThat(echo.whoAmI()).isEqualTo("first");

        first.kill();
        assertThatThrownBy(echo::whoAmI).isInstanceOf(ComponentUnavailableException.class);
        long down = System.nanoTime();
        assertThat(eventually(() -> client.status(address).health() == Health.UNHEALTHY)).isTrue();
        boolean newsWhileDown = invoker.answeredAgainSince(down);
        RpcServer second = closeLater(RpcServer.builder().port(address.port()).host(Echo_Cleave.DESCRIPTOR,
                new EchoImpl("second")).start());

        // the health checks reconnect to a replica that is down, with no call needed
        assertThat(eventually(() -> invoker.answeredAgainSince(down))).as("the restarted replica answered").isTrue();
        assertThat(newsWhileDown).isFalse();
        assertThat(client.status(second.replica()).health()).isEqualTo(Health.HEALTHY);
        assertThat(invoker.answeredAgainSince(System.nanoTime())).as("no news since now").isFalse();
    }

    @Test
    void onlyQuietConnectionsArePinged() throws Exception {
        PongServer quiet = closeLater(new PongServer(false));
        PongServer busy = closeLater(new PongServer(true));
        RpcClient client = closeLater(RpcClient.builder().pingInterval(Duration.ofMillis(100)).build());
        client.watch(RoutingTable.of(quiet.replica(), busy.replica()));

        assertThat(eventually(() -> quiet.pings.get() >= 10)).isTrue();
        // A connection that keeps bringing frames proves its replica alive: pinging it is waste.
        // (Each connection is pinged once as it opens: an open connection alone proves nothing.)
        assertThat(busy.pings.get()).isLessThanOrEqualTo(quiet.pings.get() / 3);
        assertThat(eventually(() -> client.status(busy.replica()).health() == Health.HEALTHY
                && client.status(quiet.replica()).health() == Health.HEALTHY)).isTrue();
    }

    @Test
    void anIdleConnectionIsPingedOncePerIntervalAndOneWithACallOutstandingMoreOften() throws Exception {
        PongServer server = closeLater(new PongServer(false)); // answers pings, never replies to a call
        Duration interval = Duration.ofMillis(500);
        RpcClient client = closeLater(RpcClient.builder().pingInterval(interval).build());
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));
        client.watch(RoutingTable.of(server.replica()));
        assertThat(eventually(() -> server.pings.get() >= 1)).isTrue();

        int idleFirst = server.pings.get();
        long idleStart = System.nanoTime();
        assertThat(eventually(() -> server.pings.get() >= idleFirst + 3)).isTrue();
        long idleNanos = System.nanoTime() - idleStart;
        int callFirst = server.pings.get();
        long callStart = System.nanoTime();
        Throwable thrown = new CallerThread(() -> CallContext.withDeadline(Duration.ofSeconds(2), () -> echo.echo("unanswered")))
                .thrown(Duration.ofSeconds(30));
        long callNanos = System.nanoTime() - callStart;
        int callPings = server.pings.get() - callFirst;

        System.out.printf("pings: 3 while idle in %d ms, %d while a call was outstanding for %d ms (interval %d ms)%n",
                TimeUnit.NANOSECONDS.toMillis(idleNanos), callPings, TimeUnit.NANOSECONDS.toMillis(callNanos), interval.toMillis());
        assertThat(idleNanos).as("3 idle pings take at least 3 intervals, less the first ping's delivery")
                .isGreaterThanOrEqualTo(interval.toNanos() * 3 - TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(thrown).isInstanceOf(ComponentUnavailableException.class);
        assertThat(callPings).as("more than twice the idle rate").isGreaterThan((int) (2 * callNanos / interval.toNanos()));
    }

    @Test
    void aReplicaThatHangsUnderACallStopsGettingNewCallsWhileThatCallWaits() throws Exception {
        EchoImpl hungImpl = new EchoImpl("hung");
        CountDownLatch release = closeLater(new Release()).latch;
        hungImpl.onCall = () -> awaitQuietly(release);
        // Calls run on the server's reader: while one runs, the replica answers nothing, as a stopped process.
        RpcServer hung = closeLater(RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, hungImpl).executor(new OnCallerThread()).start());
        RpcServer healthy = serve(new EchoImpl("healthy"));
        RpcClient client = closeLater(RpcClient.builder().balancer(Balancer.ROUND_ROBIN).build()); // ping interval 1 s
        Echo both = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(hung.replica(), healthy.replica()));
        Echo hungOnly = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(hung.replica()));
        client.watch(RoutingTable.of(hung.replica(), healthy.replica()));
        assertThat(eventually(() -> client.status(hung.replica()).health() == Health.HEALTHY
                && client.status(healthy.replica()).health() == Health.HEALTHY)).isTrue();

        CallerThread stuck = new CallerThread(hungOnly::once);
        long hangs = System.nanoTime();
        boolean ejected = eventually(() -> client.status(hung.replica()).health() == Health.UNHEALTHY);
        long ejectedAfter = System.nanoTime() - hangs;
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(both.whoAmI());
        }
        ReplicaStatus whileHung = client.status(hung.replica());
        release.countDown();

        System.out.printf("a replica hung under a call was marked unhealthy after %d ms (ping interval 1000 ms)%n",
                TimeUnit.NANOSECONDS.toMillis(ejectedAfter));
        assertThat(ejected).isTrue();
        assertThat(answers).containsOnly("healthy");
        assertThat(whileHung.outstanding()).as("the hung call still waits: its connection is kept").isEqualTo(1);
        assertThat(whileHung.answering()).isFalse();
        assertThat(stuck.thrown(Duration.ofSeconds(10))).isNull();
        assertThat(eventually(() -> client.status(hung.replica()).health() == Health.HEALTHY)).isTrue();
    }

    /** Opens a latch when closed, so a test that fails early leaves no call blocked. */
    private static final class Release implements AutoCloseable {
        final CountDownLatch latch = new CountDownLatch(1);

        @Override
        public void close() {
            latch.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anInvokerNeverCalledConnectsNowhereAndOneCalledIsWatched() throws Exception {
        SilentServer unused = closeLater(new SilentServer());
        PongServer watched = closeLater(new PongServer(false));
        EchoImpl impl = new EchoImpl("called");
        RpcServer called = serve(impl);
        RpcClient client = closeLater(RpcClient.builder().pingInterval(Duration.ofMillis(100)).build());
        client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(unused.replica())); // never called
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(called.replica()));
        client.watch(RoutingTable.of(watched.replica()));

        assertThat(echo.whoAmI()).isEqualTo("called");
        assertThat(eventually(() -> watched.pings.get() >= 5)).isTrue(); // health checks have run 5 times

        assertThat(unused.accepted).isEmpty();
        assertThat(client.statuses()).extracting(ReplicaStatus::replica)
                .containsExactlyInAnyOrder(called.replica(), watched.replica());
    }

    @Test
    void aCallerBlockedWritingToAReplicaThatStoppedReadingIsFreed() throws Exception {
        SilentServer silent = closeLater(new SilentServer()); // accepts, never reads
        RpcClient client = closeLater(RpcClient.builder().pingInterval(Duration.ofMillis(100)).build());
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(silent.replica()));
        String big = "x".repeat(15 * 1024 * 1024); // more than both ends' socket buffers hold
        CallerThread caller = new CallerThread(() -> CallContext.withDeadline(Duration.ofMillis(500), () -> echo.echo(big)));

        assertThat(caller.thrown(Duration.ofSeconds(30))).as("what the caller, freed from its write, threw").isInstanceOfSatisfying(ComponentUnavailableException.class,
                e -> assertThat(e.certainlyNotDelivered()).isFalse());
    }

    @Test
    void aClientThatStopsReadingIsClosedAndTheHandlerWritingToItFreed() throws Exception {
        EchoImpl impl = new EchoImpl("r");
        RpcServer server = closeLater(RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, impl)
                .writeStallLimit(Duration.ofMillis(300)).start());
        try (Socket raw = new Socket(java.net.InetAddress.getLoopbackAddress(), server.address().getPort())) {
            Writer arguments = new Writer(64);
            Echo_Cleave.ECHO.writeArguments(arguments, new Object[] {"x".repeat(15 * 1024 * 1024)});
            byte[] request = Frame.request(1, Echo_Cleave.DESCRIPTOR.name().getBytes(StandardCharsets.UTF_8), Echo_Cleave.ECHO.id(),
                    TimeUnit.MINUTES.toMicros(1), new byte[0], arguments.buffer(), arguments.size());
            raw.getOutputStream().write(request); // and never read: the reply is more than the socket buffers hold

            assertThat(eventually(() -> impl.calls.get() == 1)).as("the call ran").isTrue();
            assertThat(eventually(() -> server.callsInFlight() == 0)).as("the handler left its write").isTrue();
            raw.setSoTimeout(10_000);
            assertThat(readsToTheEnd(raw.getInputStream())).as("the server closed the connection").isTrue();
        }
    }

    @Test
    void callsInFlightSurviveAReplicaTooBusyToAnswerPings() throws Exception {
        EchoImpl impl = new EchoImpl("busy");
        CountDownLatch release = new CountDownLatch(1);
        impl.onCall = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        // Calls run on the server's event loop, so while one runs the server answers no pings:
        // a replica that is alive and working, but starved, as on an overloaded machine.
        RpcServer busy = closeLater(RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, impl).executor(new OnCallerThread()).start());
        RpcClient client = closeLater(RpcClient.builder().pingInterval(Duration.ofMillis(100)).build());
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(busy.replica()));
        assertThat(echo.echo("warm")).isEqualTo("warm");
        int before = impl.calls.get();

        CompletableFuture<String> call = CompletableFuture.supplyAsync(echo::once, closeLater(Executors.newVirtualThreadPerTaskExecutor()));
        assertThat(eventually(() -> client.status(busy.replica()).health() == Health.UNHEALTHY)).isTrue();
        release.countDown();

        assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("busy");
        assertThat(impl.calls.get()).isEqualTo(before + 1);
        assertThat(eventually(() -> client.status(busy.replica()).health() == Health.HEALTHY)).isTrue();
    }

    /** Runs each task on the thread that submits it. */
    private static final class OnCallerThread extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    /** Polls a condition for up to 10 s; returns whether it became true. */
    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** Reads until the peer ends the stream (or resets it); false if it stays open for the socket's timeout. */
    private static boolean readsToTheEnd(java.io.InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (in.read(buffer) >= 0) {
                // drain what was sent before the close
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    private static Replica unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return new Replica("127.0.0.1", s.getLocalPort());
        }
    }

    /** Accepts connections, reads one frame, then drops the connection: a transport failure after sending. */
    private static final class DroppingServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final Thread acceptor = Thread.ofVirtual().start(this::serve);

        DroppingServer() throws IOException {
        }

        Replica replica() {
            return new Replica("127.0.0.1", socket.getLocalPort());
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    while (true) {
                        byte[] frame = new byte[in.readInt()];
                        in.readFully(frame);
                        if (frame[1] == Frame.REQUEST) {
                            break; // drop the connection mid-call
                        }
                    }
                } catch (IOException e) {
                    // closed, or the client went away: accept the next
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * Answers PINGs with PONGs and counts them; when busy, also sends a frame every 2 ms (a REPLY
     * to no call, which the client drops), as a connection carrying replies does.
     */
    private static final class PongServer implements AutoCloseable {
        final AtomicInteger pings = new AtomicInteger();
        private final ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final boolean busy;
        /** A busy server's frames, one every 2 ms per connection. */
        private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        private final Thread acceptor = Thread.ofVirtual().start(this::acceptAll);

        PongServer(boolean busy) throws IOException {
            this.busy = busy;
        }

        Replica replica() {
            return new Replica("127.0.0.1", socket.getLocalPort());
        }

        private void acceptAll() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.add(s);
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                if (busy) {
                    traffic.scheduleAtFixedRate(() -> {
                        try {
                            send(out, Frame.REPLY, 0);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e); // closed: ends this connection's traffic
                        }
                    }, 0, 2, TimeUnit.MILLISECONDS);
                }
                DataInputStream in = new DataInputStream(s.getInputStream());
                while (true) {
                    byte[] frame = new byte[in.readInt()];
                    in.readFully(frame);
                    if (frame[1] == Frame.PING) {
                        pings.incrementAndGet();
                        send(out, Frame.PONG, ByteBuffer.wrap(frame, 2, 4).getInt());
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        private static void send(DataOutputStream out, int type, int callId) throws IOException {
            synchronized (out) {
                out.writeInt(Frame.HEADER_BYTES);
                out.writeByte(Frame.VERSION);
                out.writeByte(type);
                out.writeInt(callId);
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            traffic.shutdownNow();
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** Accepts connections and never answers anything. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        final List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread acceptor = Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try {
                    accepted.add(socket.accept());
                } catch (IOException e) {
                    return;
                }
            }
        });

        SilentServer() throws IOException {
        }

        Replica replica() {
            return new Replica("127.0.0.1", socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
