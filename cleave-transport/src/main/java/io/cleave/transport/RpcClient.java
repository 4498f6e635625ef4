package io.cleave.transport;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the Cleave transport: one multiplexed connection per replica, shared by
 * every component and thread of the process, with health checks and outlier ejection.
 *
 * <pre>{@code
 * RpcClient client = RpcClient.builder().tls(credentials).build();   // without tls(...): plaintext
 * RoutingTable orders = RoutingTable.of(Replica.parse("127.0.0.1:7001"), Replica.parse("127.0.0.1:7002"));
 * Orders stub = client.stub(Orders_Cleave.DESCRIPTOR, orders);
 * stub.place(order);          // balanced, health-checked, retried where safe
 * orders.add(Replica.parse("127.0.0.1:7003"));   // the next call may go there
 * }</pre>
 *
 * <p>What a caller sees from a stub:
 * <ul>
 *   <li>the result, or the declared checked exception the callee threw, as itself;
 *   <li>{@link io.cleave.RemoteFailureException} naming component, method and replica when
 *       the callee threw something undeclared;
 *   <li>{@link io.cleave.ComponentUnavailableException} when no replica could be reached,
 *       the connection failed mid-call, the deadline passed, or the thread was interrupted;
 *       {@code certainlyNotDelivered()} is true when the request never reached a callee.
 * </ul>
 *
 * <p>A call is retried, on another replica when there is one and with exponential backoff
 * with jitter, only within its deadline and only if it certainly did not reach a callee or the
 * method is {@link io.cleave.Idempotent}. The deadline is the caller's
 * {@link io.cleave.CallContext} deadline, else {@link Builder#defaultTimeout(Duration)}.
 *
 * <p>Backpressure: a connection carries at most {@link Builder#maxCallsPerConnection(int)}
 * calls at once; further calls wait for a slot within their deadline, then fail with
 * {@code ComponentUnavailableException} (certainly not delivered).
 */
public final class RpcClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RpcClient.class);

    private final Settings settings;
    private final ScheduledExecutorService healthChecker;
    private final ConcurrentHashMap<Replica, ReplicaState> replicas = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<RoutingTable> tables = new CopyOnWriteArrayList<>();
    /** Every open connection, current or draining, for the deadline sweep. */
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    /** Wakes callers whose deadline passed; see {@link PendingCall#await()}. */
    private final DeadlineSweep expiry;
    /** Runs the health checks: every ping interval, or every tenth of it while that matters. */
    private final DeadlineSweep ticks;
    /**
     * Whether the health checks tick fast. A call sent while they do not wakes them: a replica
     * that hangs under calls is noticed within one interval, however long it was idle before.
     */
    private volatile boolean ticking;
    private volatile boolean closed;

    private RpcClient(Builder b) {
        this.settings = new Settings(b.credentials, b.balancer,
                b.defaultTimeout.toNanos(), b.maxAttempts, b.retryBackoff.toNanos(), b.maxMessageBytes,
                b.maxCallsPerConnection, b.pingInterval.toNanos(), b.ejectAfterFailures,
                b.ejectionTime.toNanos(), (int) Math.min(Integer.MAX_VALUE, Math.max(1, b.connectTimeout.toMillis())));
        this.healthChecker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("cleave-client-health").factory());
        this.ticks = new DeadlineSweep(healthChecker, this::checkHealth);
        this.expiry = new DeadlineSweep(healthChecker, this::expireCalls);
        ticks.by(System.nanoTime() + settings.pingIntervalNanos());
    }

    /**
     * Starts describing a client.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An invoker sending calls of one component to the replicas in a routing table. The table
     * may change at any time; every call reads it. From its first call on, the client keeps
     * connections to the table's replicas and health-checks them (see {@link #watch}); an
     * invoker never called costs nothing.
     *
     * @param component the component's name, as its servers host it
     * @param table where its replicas are
     * @return the invoker, to give to the component's generated stub
     * @throws IllegalStateException if the client is closed
     */
    public Invoker invoker(String component, RoutingTable table) {
        Objects.requireNonNull(table, "table");
        if (closed) {
            throw new IllegalStateException("RpcClient is closed");
        }
        return new RemoteInvoker(this, component, table);
    }

    /**
     * Keeps connections to the replicas of a table, current as it changes, and health-checks
     * them, whether or not calls are made: for a process that must know its replicas' health
     * (a supervisor) or wants connections ready before the first call. Idempotent.
     *
     * @param table the replicas to watch
     * @throws IllegalStateException if the client is closed
     */
    public void watch(RoutingTable table) {
        Objects.requireNonNull(table, "table");
        if (closed) {
            throw new IllegalStateException("RpcClient is closed");
        }
        tables.addIfAbsent(table);
    }

    /**
     * A client object for a remote component: its generated stub over {@link #invoker}.
     *
     * @param descriptor the component's generated descriptor
     * @param table where its replicas are
     * @param <T> the component interface
     * @return the stub
     * @throws IllegalStateException if the client is closed
     */
    public <T> T stub(ComponentDescriptor<T> descriptor, RoutingTable table) {
        return descriptor.stub().apply(invoker(descriptor.name(), table));
    }

    /**
     * What this client believes about a replica.
     *
     * @param replica a replica
     * @return its status; {@link Health#UNKNOWN} with zero counts if never contacted
     */
    public ReplicaStatus status(Replica replica) {
        ReplicaState s = replicas.get(replica);
        return s == null ? new ReplicaStatus(replica, Health.UNKNOWN, false, 0, 0, 0) : s.status();
    }

    /** @return the status of every replica this client knows, in no particular order */
    public List<ReplicaStatus> statuses() {
        List<ReplicaStatus> out = new ArrayList<>();
        for (ReplicaState s : replicas.values()) {
            out.add(s.status());
        }
        return out;
    }

    /** Closes every connection; calls in flight fail with ComponentUnavailableException. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        healthChecker.shutdownNow();
        for (ReplicaState s : replicas.values()) {
            s.close();
        }
    }

    ReplicaState state(Replica replica) {
        ReplicaState s = replicas.get(replica);
        if (s == null) {
            s = replicas.computeIfAbsent(replica, r -> new ReplicaState(this, r));
        }
        return s;
    }

    boolean closed() {
        return closed;
    }

    Settings settings() {
        return settings;
    }

    void remember(ClientConnection c) {
        connections.add(c);
    }

    void forget(ClientConnection c) {
        connections.remove(c);
    }

    /**
     * A call is about to be sent: makes the health checks tick fast if they do not (a volatile
     * read on the call path otherwise).
     */
    void callStarted() {
        if (!ticking) {
            ticking = true;
            ticks.by(System.nanoTime());
        }
    }

    /**
     * Makes sure callers waiting past {@code deadline} are woken: called once the call is in its
     * connection's pending map. Calls answered in time never meet the sweep.
     */
    void expireBy(long deadline) {
        expiry.by(deadline);
    }

    private void expireCalls() {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (ClientConnection c : connections) {
            long earliest = c.expire(now);
            if (earliest != Long.MAX_VALUE && (next == Long.MAX_VALUE || earliest - next < 0)) {
                next = earliest;
            }
        }
        if (next != Long.MAX_VALUE) {
            expiry.by(next);
        }
    }

    private void checkHealth() {
        // Cleared before looking, so a call that starts meanwhile either is seen or wakes the next tick.
        ticking = false;
        boolean soon = false;
        try {
            soon = checkReplicas();
        } catch (RuntimeException e) {
            LOG.warn("health check failed; checking again in the next interval", e);
        }
        if (soon) {
            ticking = true;
        }
        ticks.by(System.nanoTime() + (soon ? settings.pingIntervalNanos() / 10 : settings.pingIntervalNanos()));
    }

    /** @return whether a replica wants the next check soon */
    private boolean checkReplicas() {
        boolean soon = false;
        long now = System.nanoTime();
        Set<Replica> listed = new HashSet<>();
        for (RoutingTable t : tables) {
            listed.addAll(t.replicas());
        }
        for (ReplicaState s : replicas.values()) {
            if (!listed.contains(s.replica)) {
                // Removed from every table: close once its calls are done.
                if (s.outstanding.get() == 0) {
                    replicas.remove(s.replica, s);
                    s.close();
                }
                continue;
            }
            soon |= s.check(now);
        }
        for (Replica r : listed) {
            ReplicaState s = state(r);
            if (s.health() == Health.UNKNOWN) {
                s.connect(); // connect ahead of the first call, so its health is known
            }
        }
        return soon;
    }

    /**
     * The client's settings, with what the health checks derive from the ping interval: a ping
     * is unanswered after half of it, and a connection silent for three is closed and reopened
     * (once no call waits on it).
     */
    record Settings(Credentials credentials, Balancer balancer, long defaultTimeoutNanos, int maxAttempts,
            long retryBackoffNanos, int maxMessageBytes, int maxCallsPerConnection, long pingIntervalNanos,
            int ejectAfterFailures, long ejectionNanos, int connectTimeoutMillis) {

        /** Frames over this are not read: a reply's, or anything else's. */
        int maxFrameBytes() {
            return Frame.maxFrameBytes(maxMessageBytes);
        }

        long answerTimeoutNanos() {
            return pingIntervalNanos / 2;
        }

        long closeAfterNanos() {
            return pingIntervalNanos * 3;
        }
    }

    /** Options of an {@link RpcClient}; each has a sensible default. */
    public static final class Builder {
        private Credentials credentials;
        private Balancer balancer = Balancer.LEAST_OUTSTANDING;
        private Duration defaultTimeout = io.cleave.spi.Invoker.DEFAULT_TIMEOUT;
        private int maxAttempts = 3;
        private Duration retryBackoff = Duration.ofMillis(10);
        private int maxMessageBytes = io.cleave.spi.Wire.MAX_MESSAGE_BYTES;
        private int maxCallsPerConnection = 1024;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration pingInterval = Duration.ofSeconds(1);
        private int ejectAfterFailures = 5;
        private Duration ejectionTime = Duration.ofSeconds(5);

        private Builder() {
        }

        /**
         * Connects with mutual TLS: presents these credentials and accepts only servers whose
         * certificate chains to an authority they trust and names a process of the same
         * application. Callees learn the caller from the certificate
         * ({@link io.cleave.CallContext#caller()}). Without it the client speaks plaintext: nothing is
         * encrypted, servers are not authenticated, callees do not know who calls, and a server
         * that requires TLS refuses it.
         *
         * @param credentials this process's key, certificate and trusted authorities
         * @return this builder
         */
        public Builder tls(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * @param balancer how to spread calls without a routing key; default least outstanding
         * @return this builder
         */
        public Builder balancer(Balancer balancer) {
            this.balancer = Objects.requireNonNull(balancer, "balancer");
            return this;
        }

        /**
         * @param timeout deadline of calls made outside any {@link io.cleave.CallContext} deadline; default 30 s
         * @return this builder
         */
        public Builder defaultTimeout(Duration timeout) {
            this.defaultTimeout = positive(timeout, "defaultTimeout");
            return this;
        }

        /**
         * @param attempts the most times one call is tried (1 = never retried); default 3
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts " + attempts + " is below 1");
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param backoff the first retry's mean delay, doubled per retry, with full jitter; default 10 ms
         * @return this builder
         */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = positive(backoff, "retryBackoff");
            return this;
        }

        /**
         * The most bytes a call's encoded arguments, or its encoded reply, may take: arguments over
         * it fail at the caller with {@link io.cleave.MessageTooLargeException} before anything is
         * sent (and are never retried); a reply over it is dropped as it arrives, and its call fails
         * the same way (a server with the same limit answers that failure itself).
         *
         * @param bytes default {@link io.cleave.spi.Wire#MAX_MESSAGE_BYTES} (16 MiB)
         * @return this builder
         * @throws IllegalArgumentException if below 1 KiB or over 1 GiB
         */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = messageBytes(bytes);
            return this;
        }

        /**
         * @param calls calls in flight per connection before further calls wait; default 1024
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
         * @param timeout how long a connection attempt may take, its TLS handshake included; default 5 s
         *     (a handshake in a process that is still warming up, on a busy machine, can take over a second)
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Active health checks. An idle connection that has been quiet for half an interval gets a
         * PING each interval; while calls are outstanding to its replica, one quiet for a fifth of
         * it does, checked every tenth (a connection carrying replies proves its replica alive and
         * is not pinged). A ping unanswered for half an interval marks the replica unhealthy: no
         * new calls while another replica is available, until it answers. So a replica that hangs
         * under calls stops getting them within 0.9 interval, while idle connections cost one ping
         * per interval. A connection silent for 3 intervals is closed and reopened once no call is
         * in flight on it.
         *
         * @param interval default 1 s
         * @return this builder
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = positive(interval, "ping interval");
            return this;
        }

        /**
         * Passive outlier ejection: a replica with {@code failures} transport failures in a row
         * gets no calls for {@code time} (longer each time it is ejected again, up to 10x).
         *
         * @param failures consecutive failures that eject; default 5
         * @param time base ejection time; default 5 s
         * @return this builder
         */
        public Builder ejection(int failures, Duration time) {
            if (failures < 1) {
                throw new IllegalArgumentException("ejection failures " + failures + " is below 1");
            }
            this.ejectAfterFailures = failures;
            this.ejectionTime = positive(time, "ejection time");
            return this;
        }

        /** @return a running client; connections open on first use */
        public RpcClient build() {
            return new RpcClient(this);
        }

        static int messageBytes(int bytes) {
            if (bytes < 1024 || bytes > 1 << 30) {
                throw new IllegalArgumentException("maxMessageBytes " + bytes + " is outside [1 KiB, 1 GiB]");
            }
            return bytes;
        }

        private static Duration positive(Duration d, String what) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }
    }
}
