package io.cleave.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cleave.ComponentUnavailableException;
import io.cleave.MessageTooLargeException;
import io.cleave.RemoteFailureException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Peers that abuse the server: half frames, idle floods, slow drips, too many connections,
 * messages over the limit. Memory is measured as the server's buffered bytes and threads as the
 * JVM's platform threads; each test starts its own server, since it counts its connections.
 */
class BoundedPeerTest {

    private static final int MIB = 1024 * 1024;
    /** Platform threads the JVM may start on its own meanwhile (virtual-thread carriers, the poller). */
    private static final int THREAD_SLACK = 8;

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

    private RpcServer serve(EchoImpl impl, UnaryOperator<RpcServer.Builder> options) {
        return closeLater(options.apply(RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, impl)).start());
    }

    @Test
    void halfFramesFromManyConnectionsHoldNoMoreThanTheBudgetAndAreDroppedAtTheReadTimeout() throws Exception {
        RpcServer server = serve(new EchoImpl("r"), b -> b.maxMessageBytes(MIB).maxBufferedBytes(4L * MIB)
                .readTimeout(Duration.ofSeconds(1)));
        int threadsBefore = platformThreads();
        ExecutorService senders = closeLater(Executors.newVirtualThreadPerTaskExecutor());
        List<Socket> peers = new ArrayList<>();
        AtomicLong maxBuffered = new AtomicLong();
        AtomicInteger maxThreads = new AtomicInteger();
        AtomicInteger maxConnections = new AtomicInteger();

        for (int i = 0; i < 100; i++) {
            Socket peer = closeLater(connect(server));
            peers.add(peer);
            senders.submit(() -> sendQuietly(peer, requestHeader(MIB), new byte[MIB / 2]));
        }
        boolean allDropped = eventually(() -> {
            maxBuffered.accumulateAndGet(server.bufferedBytes(), Math::max);
            maxThreads.accumulateAndGet(platformThreads(), Math::max);
            maxConnections.accumulateAndGet(server.connectionCount(), Math::max);
            return maxConnections.get() == 100 && server.connectionCount() == 0;
        });

        System.out.printf("half frames: 100 connections x 512 KiB of a 1 MiB frame: at most %d bytes buffered (limit %d),"
                + " platform threads %d -> at most %d%n", maxBuffered.get(), 4 * MIB, threadsBefore, maxThreads.get());
        assertThat(allDropped).as("every connection closed at its read timeout").isTrue();
        assertThat(maxBuffered.get()).as("buffered bytes").isPositive().isLessThanOrEqualTo(4L * MIB);
        assertThat(maxThreads.get()).as("platform threads").isLessThanOrEqualTo(threadsBefore + THREAD_SLACK);
        assertThat(server.bufferedBytes()).isZero();
        for (Socket peer : peers) {
            assertThat(closedByServer(peer)).isTrue();
        }
        assertThat(client(server, b -> b).echo("still serving")).isEqualTo("still serving");
    }

    @Test
    void aThousandIdleConnectionsCostNoPlatformThreadAndAreClosedAfterTheIdleTimeout() throws Exception {
        RpcServer server = serve(new EchoImpl("r"), b -> b.idleTimeout(Duration.ofSeconds(3)));
        Echo live = client(server, b -> b.pingInterval(Duration.ofMillis(200)));
        assertThat(live.echo("live")).isEqualTo("live");
        int threadsBefore = platformThreads();
        List<Socket> idle = new ArrayList<>();
        AtomicInteger maxThreads = new AtomicInteger();
        AtomicInteger maxConnections = new AtomicInteger();

        for (int i = 0; i < 1_000; i++) {
            idle.add(closeLater(connect(server)));
        }
        boolean allClosed = eventually(() -> {
            maxThreads.accumulateAndGet(platformThreads(), Math::max);
            maxConnections.accumulateAndGet(server.connectionCount(), Math::max);
            return maxConnections.get() == 1_001 && server.connectionCount() == 1;
        });

        System.out.printf("idle flood: %d connections open at once, platform threads %d -> at most %d%n",
                maxConnections.get(), threadsBefore, maxThreads.get());
        assertThat(allClosed).as("idle connections closed, the live client's kept").isTrue();
        assertThat(maxThreads.get()).as("platform threads").isLessThanOrEqualTo(threadsBefore + THREAD_SLACK);
        for (Socket s : idle) {
            assertThat(closedByServer(s)).isTrue();
        }
        assertThat(live.echo("still live")).isEqualTo("still live");
    }

    @Test
    void connectionsOverTheLimitAreRefusedWithTheReasonAndCallsFailAsNotDelivered() throws Exception {
        RpcServer server = serve(new EchoImpl("r"), b -> b.maxConnections(50));
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            held.add(closeLater(connect(server)));
        }
        assertThat(eventually(() -> server.connectionCount() == 50)).isTrue();
        List<Socket> extra = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            extra.add(closeLater(connect(server)));
        }
        Echo echo = client(server, b -> b.retryBackoff(Duration.ofMillis(1)));

        for (Socket s : extra) {
            ByteBuffer goAway = readFrame(s);
            assertThat(goAway.get(1)).isEqualTo((byte) Frame.GOAWAY);
            assertThat(goAway.getInt(2)).isEqualTo(Frame.NOTHING_READ);
            assertThat(Frame.readString(goAway.position(Frame.HEADER_BYTES), 2, "reason"))
                    .isEqualTo("the replica is at its limit of 50 connections ([transport] max-connections)");
            assertThat(closedByServer(s)).isTrue();
        }
        assertThatThrownBy(() -> echo.echo("refused"))
                .isInstanceOfSatisfying(ComponentUnavailableException.class, e -> {
                    assertThat(e.certainlyNotDelivered()).isTrue();
                    // the GOAWAY fails the call in flight, or, read before the call, the connection it finds
                    assertThat(e).hasMessageContaining(server.replica().toString()).hasMessageContaining(
                            "refused").hasMessageContaining("the replica is at its limit of 50 connections ([transport] max-connections)");
                });
        assertThat(server.connectionCount()).isEqualTo(50);

        held.get(0).close();
        assertThat(eventually(() -> server.connectionCount() == 49)).isTrue();
        assertThat(echo.echo("admitted")).isEqualTo("admitted");
    }

    @Test
    void aFrameDrippedSlowerThanTheReadTimeoutIsCutOffWhileOtherCallsGoOn() throws Exception {
        RpcServer server = serve(new EchoImpl("r"), b -> b.readTimeout(Duration.ofMillis(500)));
        Echo echo = client(server, b -> b);
        Socket dripper = closeLater(connect(server));
        int frameBytes = 1024;
        AtomicInteger dripped = new AtomicInteger();
        CallerThread drip = new CallerThread(() -> {
            var out = dripper.getOutputStream();
            out.write(requestHeader(frameBytes));
            for (int i = 0; i < 200; i++) { // a byte every 20 ms: 4 s for 200, far past the read timeout
                out.write('x');
                out.flush();
                dripped.incrementAndGet();
                Thread.sleep(20);
            }
            return null;
        });

        for (int i = 0; i < 10; i++) {
            assertThat(echo.echo("call " + i)).isEqualTo("call " + i);
        }
        Throwable thrown = drip.thrown(Duration.ofSeconds(30));

        assertThat(thrown).as("the dripper's write failed once the server closed it").isInstanceOf(IOException.class);
        assertThat(dripped.get()).as("bytes dripped before the cut").isLessThan(200);
        assertThat(closedByServer(dripper)).isTrue();
        assertThat(eventually(() -> server.connectionCount() == 1)).isTrue();
        assertThat(echo.echo("after")).isEqualTo("after");
    }

    @Test
    void anOversizeRequestFailsAtTheCallerBeforeAnythingIsSent() {
        EchoImpl impl = new EchoImpl("r");
        RpcServer server = serve(impl, b -> b);
        Echo echo = client(server, b -> b.maxMessageBytes(64 * 1024));
        String big = "x".repeat(100_000);

        assertThatThrownBy(() -> echo.echo(big)).isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
            assertThat(e.component()).isEqualTo("Echo");
            assertThat(e.method()).isEqualTo("echo");
            assertThat(e.reply()).isFalse();
            assertThat(e.bytes()).isEqualTo(100_004); // the string's tag and length, then its bytes
            assertThat(e.limit()).isEqualTo(64 * 1024);
            assertThat(e).hasMessage("Echo.echo: its arguments encode to 100004 bytes, more than the 65536 a call between"
                    + " components may carry ([transport] max-message-bytes); it was not sent");
        });
        assertThat(impl.calls.get()).isZero();
        assertThat(server.connectionCount()).as("not even a connection was opened").isZero();
    }

    @Test
    void anOversizeReplyIsAnsweredAsAFailureNamingItAndAnIdempotentCallIsNotRetried() {
        EchoImpl impl = new EchoImpl("r");
        RpcServer server = serve(impl, b -> b.maxMessageBytes(64 * 1024));
        Echo echo = client(server, b -> b);

        assertThatThrownBy(() -> echo.fill(200_000)).isInstanceOfSatisfying(RemoteFailureException.class, e -> {
            assertThat(e.remoteType()).isEqualTo(MessageTooLargeException.class.getName());
            assertThat(e).hasMessage("Echo.fill failed on " + server.replica() + ": " + MessageTooLargeException.class.getName()
                    + ": Echo.fill: its reply encodes to 200005 bytes, more than the 65536 a call between components may"
                    + " carry ([transport] max-message-bytes); the method ran and its result was dropped");
        });
        assertThat(impl.calls.get()).as("the @Idempotent call ran once").isEqualTo(1);
        assertThat(echo.fill(10)).hasSize(10);
    }

    @Test
    void aReplyOverTheClientsLimitIsDroppedAndItsCallFailsWithoutLosingTheConnection() {
        EchoImpl impl = new EchoImpl("r");
        RpcServer server = serve(impl, b -> b);
        RpcClient client = closeLater(RpcClient.builder().maxMessageBytes(64 * 1024).build());
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));

        Throwable overFrame = catchThrowable(() -> echo.fill(300_000)); // more than a frame this client reads
        Throwable overMessage = catchThrowable(() -> echo.fill(100_000)); // read, but more than it takes

        assertThat(List.of(overFrame, overMessage)).allSatisfy(t -> assertThat(t)
                .isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
                    assertThat(e.reply()).isTrue();
                    assertThat(e.limit()).isEqualTo(64 * 1024);
                    assertThat(e).hasMessageEndingWith("the method ran on " + server.replica() + " and its result was dropped");
                }));
        assertThat(((MessageTooLargeException) overFrame).bytes()).isEqualTo(300_005);
        assertThat(((MessageTooLargeException) overMessage).bytes()).isEqualTo(100_005);
        assertThat(impl.calls.get()).as("each @Idempotent call ran once").isEqualTo(2);
        assertThat(echo.echo("same connection")).isEqualTo("same connection");
        assertThat(client.status(server.replica()).consecutiveFailures()).isZero();
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void aRequestOverTheServersLimitIsDroppedUnrunAndAnsweredWithTheReason() {
        EchoImpl impl = new EchoImpl("r");
        RpcServer server = serve(impl, b -> b.maxMessageBytes(64 * 1024));
        Echo echo = client(server, b -> b);

        Throwable overFrame = catchThrowable(() -> echo.echo("x".repeat(300_000))); // more than a frame it reads
        Throwable overMessage = catchThrowable(() -> echo.echo("x".repeat(100_000))); // read, but more than it takes

        assertThat(List.of(overFrame, overMessage)).allSatisfy(t -> assertThat(t)
                .isInstanceOfSatisfying(RemoteFailureException.class, e -> {
                    assertThat(e.remoteType()).isEqualTo(MessageTooLargeException.class.getName());
                    assertThat(e).hasMessageContaining("Echo.echo: its arguments encode to ")
                            .hasMessageContaining("more than the 65536 a call between components may carry")
                            .hasMessageEndingWith("the replica " + server.replica() + " dropped it without running it");
                }));
        assertThat(overFrame).hasMessageContaining("encode to 300004 bytes");
        assertThat(overMessage).hasMessageContaining("encode to 100004 bytes");
        assertThat(impl.calls.get()).isZero();
        assertThat(echo.echo("small")).isEqualTo("small");
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void aConnectionIsReadByAPlatformThreadOnlyWhileItCarriesCalls() throws Exception {
        RpcServer server = serve(new EchoImpl("r"), b -> b.demoteAfter(Duration.ofMillis(300)));
        RpcClient client = closeLater(RpcClient.builder().pingInterval(Duration.ofMillis(100)).build());
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));
        client.watch(RoutingTable.of(server.replica()));
        assertThat(eventually(() -> client.status(server.replica()).health() == Health.HEALTHY)).isTrue();
        int readersWhileIdle = platformReaders();

        echo.echo("call");
        boolean promoted = eventually(() -> platformReaders() == 1);
        boolean demoted = eventually(() -> platformReaders() == 0); // pinged, no calls: back to a virtual thread
        echo.echo("again");
        boolean promotedAgain = eventually(() -> platformReaders() == 1);

        assertThat(readersWhileIdle).as("pinged, never called").isZero();
        assertThat(promoted).as("a platform reader once it carried a call").isTrue();
        assertThat(demoted).as("a virtual one after 300 ms of pings only").isTrue();
        assertThat(promotedAgain).isTrue();
        assertThat(server.connectionCount()).as("one connection throughout").isEqualTo(1);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private Echo client(RpcServer server, UnaryOperator<RpcClient.Builder> options) {
        RpcClient client = closeLater(options.apply(RpcClient.builder()).build());
        return client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));
    }

    private static int platformThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Server reader threads that are platform threads ({@link Thread#getAllStackTraces()} lists no virtual ones). */
    private static int platformReaders() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("cleave-server-reader")).count();
    }

    private static Socket connect(RpcServer server) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** The length prefix and header of a REQUEST frame of {@code length} body bytes; the body is up to the caller. */
    private static byte[] requestHeader(int length) {
        return ByteBuffer.allocate(Frame.LENGTH_BYTES + Frame.HEADER_BYTES).putInt(length).put((byte) Frame.VERSION)
                .put((byte) Frame.REQUEST).putInt(1).array();
    }

    private static void sendQuietly(Socket s, byte[] header, byte[] body) {
        try {
            s.getOutputStream().write(header);
            s.getOutputStream().write(body);
        } catch (IOException e) {
            // the server closed it: what the test waits for
        }
    }

    private static ByteBuffer readFrame(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return ByteBuffer.wrap(body);
    }

    /** True when the server closed the connection (end of stream or reset) within the socket's timeout. */
    private static boolean closedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // what the server sent before closing
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** Polls a condition for up to 20 s; returns whether it became true. */
    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < until) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }
}
