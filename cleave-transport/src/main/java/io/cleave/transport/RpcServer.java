package io.cleave.transport;

import io.cleave.spi.ComponentDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.helidon.common.concurrency.limits.AimdLimit;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves calls to a set of component instances over the Cleave transport.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder()
 *         .host(Greeter_Cleave.DESCRIPTOR, new GreeterImpl())
 *         .port(7001)
 *         .start();
 * ...
 * server.close();   // GOAWAY to clients, drains calls in flight, then closes
 * }</pre>
 *
 * <p>Every call runs on its own virtual thread (or the configured executor) with the caller's
 * {@link io.cleave.CallContext} installed: the callee sees the caller's remaining deadline,
 * trace id and identity. When the deadline passes or the caller cancels, the handler's context
 * is cancelled and its thread interrupted, and no reply is sent.
 *
 * <p>With {@link Builder#tls(Credentials, Authorizer)} every connection is mutual TLS: a client
 * without a certificate of the same application from a trusted authority is refused at its
 * handshake, the callee's {@link io.cleave.CallContext#caller()} is what the client's
 * certificate names, and the {@link Authorizer} decides which components it may call (a call
 * refused never runs). Without it, the server speaks plaintext.
 *
 * <p>Limits protect the process from its peers, whatever they send:
 * <ul>
 *   <li>an adaptive concurrency limit ({@link Builder#concurrencyLimit}) sheds calls past it at
 *       once, answered OVERLOADED ({@link io.cleave.OverloadedException} at the caller);
 *   <li>at most {@link Builder#maxConnections(int)} connections; more are refused with GOAWAY;
 *   <li>memory for a frame is taken as its bytes arrive, never ahead of them; frames over 64 KiB
 *       share {@link Builder#maxBufferedBytes(long)} (one connection at most one message's worth),
 *       and wait for it when it is taken;
 *   <li>a frame that began to arrive must be whole within {@link Builder#readTimeout(Duration)},
 *       and a connection that sends nothing for {@link Builder#idleTimeout(Duration)} is closed
 *       (a live client pings a quiet connection every second or so);
 *   <li>a request whose arguments are over {@link Builder#maxMessageBytes(int)} is dropped
 *       unrun and answered with {@link io.cleave.MessageTooLargeException}, and so is a reply
 *       over it; any other frame too large, or otherwise malformed, closes that connection (logged
 *       with the reason) and nothing else;
 *   <li>a connection with more than {@link Builder#maxCallsPerConnection(int)} calls in flight,
 *       or a server with more than {@link Builder#maxConcurrentCalls(int)}, has the excess calls
 *       rejected before they run (the client sees {@link io.cleave.ComponentUnavailableException}
 *       with {@code certainlyNotDelivered() == true}, so it may retry elsewhere);
 *   <li>a connection is read by a virtual thread until it carries calls: idle connections cost
 *       no platform thread.
 * </ul>
 */
public final class RpcServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);
    /** Refused sockets held open at once so their GOAWAY is read; more are closed at once. */
    private static final int MAX_REFUSING = 64;
    private static final long REFUSALS_LOGGED_EVERY = TimeUnit.SECONDS.toNanos(10);
    /** How long a shed caller is told to wait before trying this replica again (it may try another at once). */
    static final int OVERLOAD_RETRY_AFTER_MILLIS = 100;

    private final Map<String, Hosted<?>> components;
    private final Settings settings;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    /** Cancels calls at their deadlines; wakes only when one may have passed. */
    private final ScheduledThreadPoolExecutor timer;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger running = new AtomicInteger();
    private final ServerSocket listener;
    private final ByteBudget budget;
    /** Refused sockets waiting to be closed; see {@link #refuse}. */
    private final Set<Socket> refusing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    /** When refusals were last logged; long enough ago at first that the first one is. */
    private volatile long refusalLogged = System.nanoTime() - REFUSALS_LOGGED_EVERY;
    private volatile boolean closing;
    /** This server's credentials, or null for plaintext. */
    private final Credentials credentials;
    private final Authorizer authorizer;
    /** Bounds the calls run at once, adapting to their latency. */
    private final AimdLimit limit;
    private final LogThrottle handshakeLog = new LogThrottle(10, TimeUnit.SECONDS);
    private final LogThrottle refusalLog = new LogThrottle(1, TimeUnit.SECONDS);
    private final LogThrottle shedLog = new LogThrottle(10, TimeUnit.SECONDS);

    private RpcServer(Builder b) {
        this.components = Map.copyOf(b.components);
        this.credentials = b.credentials;
        this.authorizer = b.authorizer;
        this.limit = AimdLimit.builder().initialLimit(b.limitInitial).minLimit(b.limitMin)
                .maxLimit(b.limitMax).timeout(b.slowCall).queueLength(0).build();
        if (b.maxBufferedBytes < b.maxMessageBytes) {
            throw new IllegalArgumentException("maxBufferedBytes " + b.maxBufferedBytes + " is below maxMessageBytes "
                    + b.maxMessageBytes + ": a message of the largest size could never be read");
        }
        this.settings = new Settings(b.maxMessageBytes, b.maxCallsPerConnection, b.maxConcurrentCalls,
                b.writeStallLimit.toNanos(), b.maxConnections, b.idleTimeout.toNanos(), b.readTimeout.toNanos(),
                b.maxBufferedBytes, b.demoteAfter.toNanos());
        // A largest message comes with a header of up to 128 KiB: room for one is always left.
        this.budget = new ByteBudget(Math.max(b.maxBufferedBytes, settings.maxFrameBytes()), settings.maxFrameBytes(),
                settings.readTimeoutNanos);
        this.ownsExecutor = b.executor == null;
        this.executor = b.executor != null ? b.executor
                : Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cleave-call-", 0).factory());
        try {
            this.listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(b.bindHost, b.port), 1024);
        } catch (IOException e) {
            if (ownsExecutor) {
                executor.shutdownNow();
            }
            throw new UncheckedIOException(new IOException("cannot listen on " + b.bindHost + ":" + b.port + ": " + e.getMessage(), e));
        }
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("cleave-server-timer").factory());
        timer.setRemoveOnCancelPolicy(true);
        long shortest = Math.min(settings.writeStallNanos, Math.min(settings.readTimeoutNanos, settings.idleTimeoutNanos));
        long scan = Math.clamp(shortest / 2, TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(1));
        timer.scheduleWithFixedDelay(this::sweep, scan, scan, TimeUnit.NANOSECONDS);
        Thread.ofVirtual().name("cleave-server-accept").start(this::accept);
        LOG.info("serving {} on {} ({})", components.keySet(), address(), credentials == null
                ? "plaintext: calls are neither encrypted nor authenticated" : "mutual TLS as " + credentials.identity());
    }

    private void accept() {
        while (!closing) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.warn("accepting connections on {} failed; stopped accepting", address(), e);
                }
                return;
            }
            if (connections.size() >= settings.maxConnections) {
                refuse(socket);
                continue;
            }
            try {
                ByteBudget.Account account = budget.account();
                SSLSocket tls = credentials == null ? null : credentials.server(socket);
                Wire wire = new Wire(tls == null ? socket : tls, ServerConnection.IDLE_READ_BUFFER_BYTES, settings.maxFrameBytes(),
                        Frame.REQUEST, account);
                ServerConnection c = new ServerConnection(this, wire, tls, account);
                connections.add(c);
                if (closing) {
                    connections.remove(c);
                    c.close(false);
                    continue;
                }
                c.start();
            } catch (IOException e) {
                LOG.debug("dropped a connection that failed as it opened: {}", e.toString());
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // dropping it anyway
                }
            }
        }
    }

    /**
     * Refuses a connection over the limit: a GOAWAY that says why and that nothing sent on it was
     * read (its client fails those calls as certainly not delivered, to retry elsewhere), then
     * closed. Closing at once could reset the connection before its client read the GOAWAY (the
     * kernel resets a socket closed with unread bytes), so it closes a little later, up to a bounded
     * number of such sockets at a time.
     */
    private void refuse(Socket socket) {
        int n = refused.incrementAndGet();
        long now = System.nanoTime();
        if (now - refusalLogged >= REFUSALS_LOGGED_EVERY) {
            refusalLogged = now;
            refused.set(0);
            LOG.warn("refusing connections on {}: {} are open, the limit ([transport] max-connections); {} refused since the"
                    + " last report", address(), settings.maxConnections, n);
        }
        if (refusing.size() >= MAX_REFUSING || !refusing.add(socket)) {
            closeQuietly(socket);
            return;
        }
        byte[] goAway = Frame.withReason(Frame.GOAWAY, Frame.NOTHING_READ,
                "the replica is at its limit of " + settings.maxConnections + " connections ([transport] max-connections)");
        if (credentials != null) {
            // Said inside TLS, which takes a handshake: not on the accepting thread, and only for a bounded number at once.
            Thread.ofVirtual().name("cleave-server-refuse").start(() -> {
                try {
                    SSLSocket tls = credentials.server(socket);
                    tls.setSoTimeout(1_000);
                    credentials.handshake(tls);
                    tls.getOutputStream().write(goAway);
                    tls.getOutputStream().flush();
                } catch (IOException | RuntimeException e) {
                    // closed below anyway
                }
                closeLater(socket);
            });
            return;
        }
        try {
            socket.getOutputStream().write(goAway);
            socket.shutdownOutput();
        } catch (IOException e) {
            // closed below anyway
        }
        closeLater(socket);
    }

    /** Closes a refused socket a little later, so its client reads the GOAWAY before the kernel resets the connection. */
    private void closeLater(Socket socket) {
        try {
            timer.schedule(() -> {
                refusing.remove(socket);
                closeQuietly(socket);
            }, 200, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            refusing.remove(socket);
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // dropping it anyway
        }
    }

    /**
     * Starts describing a server.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the address the server listens on (with the actual port when 0 was asked) */
    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** @return the listening address as a {@link Replica}, to put in a {@link RoutingTable} */
    public Replica replica() {
        return Replica.of(address());
    }

    /** @return calls running now, over all connections */
    public int callsInFlight() {
        return running.get();
    }

    /** @return bytes of large frames held now: arriving, or received and not yet decoded; for tests */
    long bufferedBytes() {
        return budget.used();
    }

    /** @return connections open now; for tests */
    int connectionCount() {
        return connections.size();
    }

    /**
     * Stops gracefully: stops accepting connections, tells every client GOAWAY (they route new
     * calls elsewhere), rejects new calls, waits up to the drain timeout for calls in flight,
     * then closes every connection. Idempotent.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        closeListener();
        for (ServerConnection c : connections) {
            c.goAway("server shutting down");
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (running.get() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(5); // polling a counter at shutdown only; no call path waits on this
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        shutdown(false);
    }

    /**
     * Closes abruptly, as a crashed process would: connections are reset without GOAWAY and
     * calls in flight are abandoned. For tests of failure handling.
     */
    void kill() {
        closing = true;
        closeListener();
        shutdown(true);
    }

    private void closeListener() {
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("closing the listener: {}", e.toString());
        }
    }

    private void shutdown(boolean reset) {
        for (ServerConnection c : connections) {
            c.close(reset);
        }
        timer.shutdownNow();
        refusing.forEach(RpcServer::closeQuietly);
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }

    /**
     * Closes connections that hold the server without doing their part: a client that has taken
     * nothing of a reply for the write stall limit (the handler writing it is blocked, the socket
     * buffers being full, and only closing frees it), a frame not whole within the read timeout
     * (a peer sending it slowly, or half of it, holds memory and a reader), and a connection that
     * sent nothing for the idle timeout.
     */
    private void sweep() {
        long now = System.nanoTime();
        for (ServerConnection c : connections) {
            long stalled = c.stalledNanos(now);
            long arriving = c.frameArrivingNanos(now);
            if (stalled > settings.writeStallNanos) {
                LOG.warn("closing the connection from {}: it took nothing of a write for {} ms", c.remoteAddress(),
                        TimeUnit.NANOSECONDS.toMillis(stalled));
                c.close(false);
            } else if (arriving > settings.readTimeoutNanos) {
                LOG.warn("closing the connection from {}: a frame has been arriving for {} ms ([transport] read-timeout)",
                        c.remoteAddress(), TimeUnit.NANOSECONDS.toMillis(arriving));
                c.close(false);
            } else if (c.quietNanos(now) > settings.idleTimeoutNanos) {
                LOG.debug("closing the connection from {}: nothing received for {} ms ([transport] idle-timeout)",
                        c.remoteAddress(), TimeUnit.NANOSECONDS.toMillis(c.quietNanos(now)));
                c.close(false);
            }
        }
    }

    void connectionClosed(ServerConnection c) {
        connections.remove(c);
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    boolean closing() {
        return closing;
    }

    Hosted<?> component(String name) {
        return components.get(name);
    }

    String componentNames() {
        return components.keySet().toString();
    }

    Settings settings() {
        return settings;
    }

    Credentials credentials() {
        return credentials;
    }

    Authorizer authorizer() {
        return authorizer;
    }

    /** @return the concurrency limit */
    AimdLimit limit() {
        return limit;
    }

    /** @return the certificates the peers of open connections presented; for tests */
    List<java.security.cert.X509Certificate> peerCertificates() {
        List<java.security.cert.X509Certificate> out = new java.util.ArrayList<>();
        for (ServerConnection c : connections) {
            c.peerCertificate().ifPresent(out::add);
        }
        return out;
    }

    /** Asks every client to open a new connection (a GOAWAY on each open one); for tests. */
    void goAwayAll(String reason) {
        for (ServerConnection c : connections) {
            c.goAway(reason);
        }
    }

    /** A connection whose TLS handshake failed, or whose certificate was refused: logged, at most every 10 s. */
    void refusedHandshake(java.net.SocketAddress from, Throwable why) {
        int more = handshakeLog.admit();
        if (more >= 0) {
            LOG.warn("refused a connection from {}: {}{}", from, describe(why),
                    more == 0 ? "" : " (" + more + " more refused since the last report)");
        }
    }

    /** A call the peer may not make: logged, at most every second. */
    void refusedCall(java.net.SocketAddress from, String reason) {
        int more = refusalLog.admit();
        if (more >= 0) {
            LOG.warn("refused a call from {}: {}{}", from, reason, more == 0 ? "" : " (" + more + " more refused since the last report)");
        }
    }

    /** A call shed at a limit: logged, at most every 10 s. */
    void shed(io.cleave.spi.MethodDescriptor method, String why) {
        int more = shedLog.admit();
        if (more >= 0) {
            LOG.warn("shedding calls on {}: {} refused, {}{}", address(), method.fullName(), why,
                    more == 0 ? "" : " (" + more + " more shed since the last report)");
        }
    }

    /** The innermost reason a handshake failed: what the peer did, not the layers it went through. */
    private static String describe(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String outer = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return cause == t || cause.getMessage() == null ? outer : outer + " (" + cause.getMessage() + ")";
    }

    ExecutorService executor() {
        return executor;
    }

    /** Reserves a slot for a call; false when the server is at its limit. */
    boolean tryStartCall() {
        while (true) {
            int n = running.get();
            if (n >= settings.maxConcurrentCalls) {
                return false;
            }
            if (running.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void callEnded() {
        running.decrementAndGet();
    }

    /**
     * A component instance and how to call it.
     *
     * @param methods its methods by {@link io.cleave.spi.MethodDescriptor#id()}: a call names its method so
     */
    record Hosted<T>(ComponentDescriptor<T> descriptor, T instance, Map<Integer, io.cleave.spi.MethodDescriptor> methods) {

        Hosted(ComponentDescriptor<T> descriptor, T instance) {
            this(descriptor, instance, byId(descriptor));
        }

        Object dispatch(int method, Object[] arguments) throws Exception {
            return descriptor.dispatcher().dispatch(instance, method, arguments);
        }

        /** The method a call names by its id, or null when this build of the component has none. */
        io.cleave.spi.MethodDescriptor method(int id) {
            return methods.get(id);
        }

        private static Map<Integer, io.cleave.spi.MethodDescriptor> byId(ComponentDescriptor<?> descriptor) {
            Map<Integer, io.cleave.spi.MethodDescriptor> byId = new java.util.HashMap<>();
            for (io.cleave.spi.MethodDescriptor m : descriptor.methods()) {
                io.cleave.spi.MethodDescriptor previous = byId.putIfAbsent(m.id(), m);
                if (previous != null) {
                    throw new IllegalArgumentException(descriptor.name() + ": methods " + previous.signature() + " and "
                            + m.signature() + " have the same id " + Integer.toHexString(m.id())
                            + " (cleave-codegen refuses this; was the descriptor written by hand?)");
                }
            }
            return Map.copyOf(byId);
        }
    }

    record Settings(int maxMessageBytes, int maxCallsPerConnection, int maxConcurrentCalls, long writeStallNanos,
            int maxConnections, long idleTimeoutNanos, long readTimeoutNanos, long maxBufferedBytes, long demoteAfterNanos) {

        /** Frames over this are not read, but dropped (a request: answered) or refused. */
        int maxFrameBytes() {
            return Frame.maxFrameBytes(maxMessageBytes);
        }
    }

    static final int DEFAULT_LIMIT_INITIAL = 100;
    static final int DEFAULT_LIMIT_MIN = 10;
    static final int DEFAULT_LIMIT_MAX = 1000;
    static final Duration DEFAULT_SLOW_CALL = Duration.ofSeconds(1);

    /** Options of an {@link RpcServer}. */
    public static final class Builder {
        private final Map<String, Hosted<?>> components = new LinkedHashMap<>();
        private String bindHost = "127.0.0.1";
        private int port;
        private int maxMessageBytes = io.cleave.spi.Wire.MAX_MESSAGE_BYTES;
        private int maxCallsPerConnection = 1024;
        private int maxConcurrentCalls = 10_000;
        private ExecutorService executor;
        private Duration writeStallLimit = Duration.ofSeconds(10);
        private int maxConnections = 1024;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private Duration readTimeout = Duration.ofSeconds(10);
        private long maxBufferedBytes = 64L * 1024 * 1024;
        private Duration demoteAfter = Duration.ofSeconds(10);
        private Credentials credentials;
        private Authorizer authorizer = (caller, component) -> Optional.empty();
        private int limitInitial = DEFAULT_LIMIT_INITIAL;
        private int limitMin = DEFAULT_LIMIT_MIN;
        private int limitMax = DEFAULT_LIMIT_MAX;
        private Duration slowCall = DEFAULT_SLOW_CALL;
        private boolean hostsNothing;

        private Builder() {
        }

        /**
         * Serves no component: the server only answers pings, for a process that its supervisor
         * must see alive and hosts no component (the gateway's). A call is refused like a call to
         * a component not hosted here.
         *
         * @return this builder
         */
        public Builder hostsNothing() {
            hostsNothing = true;
            return this;
        }

        /**
         * Hosts a component instance.
         *
         * @param descriptor the component's generated descriptor
         * @param instance the implementation to call
         * @param <T> the component interface
         * @return this builder
         * @throws IllegalArgumentException if a component of the same name is already hosted
         */
        public <T> Builder host(ComponentDescriptor<T> descriptor, T instance) {
            Objects.requireNonNull(instance, "instance");
            if (components.putIfAbsent(descriptor.name(), new Hosted<>(descriptor, instance)) != null) {
                throw new IllegalArgumentException("component " + descriptor.name() + " is already hosted by this server");
            }
            return this;
        }

        /**
         * Serves with mutual TLS: presents these credentials, and accepts only clients whose
         * certificate chains to an authority they trust and names a process of the same
         * application; a connection without one is refused at its handshake (logged), before a
         * byte of a call is read. The caller's identity is what its certificate names (the
         * callee's {@link io.cleave.CallContext#caller()}), and {@code authorizer} decides which
         * components it may call; a refused call is answered with a REJECT naming caller,
         * component and method, and never runs. Without TLS the server speaks plaintext: anyone
         * who can connect can call anything, and callees do not know who calls.
         *
         * @param credentials this process's key, certificate and trusted authorities
         * @param authorizer who may call which component
         * @return this builder
         */
        public Builder tls(Credentials credentials, Authorizer authorizer) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
            return this;
        }

        /**
         * Bounds the calls run at once by an adaptive concurrency limit (AIMD, Helidon's
         * concurrency-limits): calls past it are shed at once, answered OVERLOADED without running
         * (the caller gets {@link io.cleave.OverloadedException}, and may try another replica).
         * The limit starts at {@code initial}, grows by one with each call that ends within
         * {@code slowCall} while at least half of it is in use, and shrinks by a tenth with each
         * call that takes longer, between {@code min} and {@code max}. Equal bounds make it fixed.
         *
         * @param initial default 100
         * @param min default 10
         * @param max default 1000
         * @param slowCall default 1 s
         * @return this builder
         * @throws IllegalArgumentException unless {@code 1 <= min <= initial <= max} and {@code slowCall} is positive
         */
        public Builder concurrencyLimit(int initial, int min, int max, Duration slowCall) {
            if (min < 1 || initial < min || max < initial) {
                throw new IllegalArgumentException("concurrency limit needs 1 <= min <= initial <= max, got min " + min
                        + ", initial " + initial + ", max " + max);
            }
            this.limitInitial = initial;
            this.limitMin = min;
            this.limitMax = max;
            this.slowCall = positive(slowCall, "slowCall");
            return this;
        }

        /**
         * @param host the address to listen on; default {@code 127.0.0.1}
         * @return this builder
         */
        public Builder bindHost(String host) {
            this.bindHost = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * @param port the TCP port; default 0 (any free port, see {@link RpcServer#address()})
         * @return this builder
         * @throws IllegalArgumentException if outside {@code [0, 65535]}
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " is outside [0, 65535]");
            }
            this.port = port;
            return this;
        }

        /**
         * The most bytes a call's encoded arguments, or its encoded reply, may take. A request over
         * it is read and dropped without running, and answered with
         * {@link io.cleave.MessageTooLargeException}; a reply over it is not sent, the call answered
         * the same way. Frames longer than a message of this size with the largest header are not
         * read.
         *
         * @param bytes default {@link io.cleave.spi.Wire#MAX_MESSAGE_BYTES} (16 MiB)
         * @return this builder
         * @throws IllegalArgumentException if below 1 KiB or over 1 GiB
         */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = RpcClient.Builder.messageBytes(bytes);
            return this;
        }

        /**
         * @param calls calls one connection may have running; excess ones are rejected; default 1024
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxCallsPerConnection(int calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("maxCallsPerConnection " + calls + " is not positive");
            }
            this.maxCallsPerConnection = calls;
            return this;
        }

        /**
         * @param calls calls the whole server may have running; excess ones are rejected; default 10000
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxConcurrentCalls(int calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("maxConcurrentCalls " + calls + " is not positive");
            }
            this.maxConcurrentCalls = calls;
            return this;
        }

        /**
         * How long a client may take nothing of what the server writes to it before its
         * connection is closed. A client's reader takes replies as they come, so a stall this
         * long means the client is frozen or the network is gone; the handler writing to it is
         * blocked until then, and the calls on that connection are cancelled.
         *
         * @param limit default 10 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder writeStallLimit(Duration limit) {
            if (limit.isNegative() || limit.isZero()) {
                throw new IllegalArgumentException("writeStallLimit " + limit + " is not positive");
            }
            this.writeStallLimit = limit;
            return this;
        }

        /**
         * @param connections connections open at once; more are refused with a GOAWAY saying why
         *     (their client tries another replica); default 1024
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxConnections(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("maxConnections " + connections + " is not positive");
            }
            this.maxConnections = connections;
            return this;
        }

        /**
         * How long a connection may send nothing before it is closed. A live client pings a quiet
         * connection about once per ping interval (1 s by default), so only a connection that
         * does not speak the protocol, or a frozen client, gets there; keep it well above the
         * clients' ping interval.
         *
         * @param timeout default 30 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idleTimeout");
            return this;
        }

        /**
         * How long a frame may take to arrive once its first byte did; then its connection is
         * closed. A live peer writes a frame at network speed; one that sends it a little at a
         * time, or half of it, holds memory and a reader until then.
         *
         * @param timeout default 10 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /**
         * Memory for frames over 64 KiB held at once over all connections, arriving or received
         * and not yet decoded; one connection holds at most one message's worth of it (see
         * {@link #maxMessageBytes(int)}), and one message, header included, always fits.
         * A frame that cannot have more waits (its connection is not read meanwhile) until its
         * read timeout. Frames up to 64 KiB are bounded by the call limits instead.
         *
         * @param bytes default 64 MiB; at least {@link #maxMessageBytes(int)} when the server starts
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxBufferedBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBufferedBytes " + bytes + " is not positive");
            }
            this.maxBufferedBytes = bytes;
            return this;
        }

        /**
         * How long a connection read by a platform thread may go without a request before a
         * virtual thread reads it again; for tests.
         */
        Builder demoteAfter(Duration time) {
            this.demoteAfter = positive(time, "demoteAfter");
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " " + d + " is not positive");
            }
            return d;
        }

        /**
         * Runs calls on this executor instead of a virtual thread per call. The server does not
         * shut it down.
         *
         * @param executor where handlers run; its threads are interrupted to cancel calls
         * @return this builder
         */
        public Builder executor(ExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Binds and starts serving.
         *
         * @return the running server
         * @throws IllegalStateException if no component is hosted, unless it {@linkplain #hostsNothing hosts nothing}
         * @throws IllegalArgumentException if {@code maxBufferedBytes} is below {@code maxMessageBytes}
         * @throws UncheckedIOException if the address cannot be bound
         */
        public RpcServer start() {
            if (components.isEmpty() && !hostsNothing) {
                throw new IllegalStateException("an RpcServer needs at least one component: call host(descriptor, instance)");
            }
            return new RpcServer(this);
        }
    }
}
