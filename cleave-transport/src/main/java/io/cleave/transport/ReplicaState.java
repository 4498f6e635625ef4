package io.cleave.transport;

import io.cleave.ComponentUnavailableException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's connection to, and opinion of, one replica.
 *
 * <p>A replica is healthy when it answers: when a frame (a pong, a reply) arrived on its current
 * connection and no ping since has gone unanswered for the answer timeout. An open connection
 * proves nothing: the kernel accepts connections for a process that is stopped or hung.
 */
final class ReplicaState {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaState.class);

    final Replica replica;
    final long hash;
    final AtomicInteger outstanding = new AtomicInteger();
    final AtomicLong calls = new AtomicLong();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final RpcClient client;
    private volatile ClientConnection connection;
    private CompletableFuture<ClientConnection> connecting; // guarded by this
    /**
     * Why the replica gets no new calls until it answers on its current connection (refused, lost,
     * going away, silent), or null when it may get them.
     */
    private volatile String down;
    private volatile long ejectedUntil;
    private volatile boolean ejected;
    private int ejections; // guarded by this
    /**
     * When the replica last began to answer (a connection's first answer, or its first after it was
     * down), as {@link System#nanoTime()}; meaningful once {@link #answeredAgain} is set.
     */
    private volatile long answeredAgainAt;
    private volatile boolean answeredAgain;
    /** {@link #calls} at the last health check: calls since keep the checks fast. Only the health checker. */
    private long callsAtLastCheck;

    ReplicaState(RpcClient client, Replica replica) {
        this.client = client;
        this.replica = replica;
        this.hash = Rendezvous.hash(replica.toString());
    }

    RpcClient client() {
        return client;
    }

    /** Whether new calls may be routed here now. */
    boolean available(long now) {
        return down == null && !(ejected && now - ejectedUntil < 0);
    }

    /** Whether the replica is down (see {@link #down}); read by the reader on every frame. */
    boolean down() {
        return down != null;
    }

    /** An ejection in force shows over being down: it is timed, and routing waits for its end either way. */
    Health health() {
        if (ejected && System.nanoTime() - ejectedUntil < 0) {
            return Health.EJECTED;
        }
        if (down != null) {
            return Health.UNHEALTHY;
        }
        return answering() ? Health.HEALTHY : Health.UNKNOWN;
    }

    /** Whether the replica began to answer after {@code nanoTime} (see {@link #answered}). */
    boolean answeredAgainSince(long nanoTime) {
        return answeredAgain && answeredAgainAt - nanoTime > 0;
    }

    /** Whether the replica answered on its current connection and left no ping unanswered since. */
    boolean answering() {
        ClientConnection c = connection;
        return down == null && c != null && c.answered;
    }

    ReplicaStatus status() {
        return new ReplicaStatus(replica, health(), answering(), outstanding.get(), calls.get(), consecutiveFailures.get());
    }

    /**
     * A usable connection, connecting if needed and waiting at most until the deadline.
     *
     * @throws ComponentUnavailableException (certainly not delivered) if none can be had
     */
    ClientConnection connection(long deadline, String what) {
        ClientConnection c = connection;
        if (c != null && c.usable()) {
            return c;
        }
        CompletableFuture<ClientConnection> future = connect();
        long left = deadline - System.nanoTime();
        try {
            c = future.get(left, TimeUnit.NANOSECONDS); // a connection already made is returned even when no time is left
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ComponentUnavailableException(what + ": interrupted while connecting to " + replica, true, e);
        } catch (TimeoutException e) {
            throw new ComponentUnavailableException(what + ": deadline passed while connecting to " + replica, true);
        } catch (ExecutionException e) {
            throw new ComponentUnavailableException(what + ": cannot connect to " + replica + ": " + describe(e.getCause()),
                    true, e.getCause());
        }
        if (!c.usable()) {
            String why = c.unusableBecause() != null ? c.unusableBecause() : down;
            throw new ComponentUnavailableException(what + ": connection to " + replica + " closed right after it opened"
                    + (why == null ? "" : " (" + why + ")"), true);
        }
        return c;
    }

    /**
     * Starts connecting unless a connection is up or being made; returns the attempt. A new
     * connection is pinged at once: the replica is healthy when it answers, not when the kernel
     * accepts the connection.
     */
    synchronized CompletableFuture<ClientConnection> connect() {
        ClientConnection c = connection;
        if (c != null && c.usable()) {
            return CompletableFuture.completedFuture(c);
        }
        if (connecting != null && !connecting.isDone()) {
            return connecting;
        }
        CompletableFuture<ClientConnection> f = new CompletableFuture<>();
        connecting = f;
        Thread.ofVirtual().name("cleave-connect-" + replica).start(() -> {
            ClientConnection opened;
            try {
                opened = ClientConnection.open(this, client.settings());
            } catch (IOException e) {
                markDown("cannot connect: " + describe(e));
                f.completeExceptionally(e);
                return;
            }
            synchronized (this) {
                connection = opened;
            }
            opened.start();
            opened.ping();
            if (client.closed()) {
                opened.close(); // closed while connecting: nobody else will
            }
            LOG.debug("connected to {}", replica);
            f.complete(opened);
        });
        return f;
    }

    /** The connection dropped; in-flight calls on it were failed. */
    void connectionLost(ClientConnection c, int callsLost) {
        markDown(c, "connection lost" + (callsLost > 0 ? " with " + callsLost + " calls in flight" : ""));
    }

    void goingAway(ClientConnection c, String reason) {
        markDown(c, "going away: " + reason);
    }

    /** The replica refused the connection, having read nothing on it (it is at its connection limit). */
    void refused(ClientConnection c, String reason) {
        markDown(c, "refused the connection: " + reason);
    }

    /**
     * Marks the replica down for what happened on {@code c}, if {@code c} is still its connection:
     * checked under the lock that replaces the connection, so news from a connection already
     * replaced (a GOAWAY read late, while the new one was answering) cannot mark down a replica
     * that answers on its new one.
     */
    private synchronized void markDown(ClientConnection c, String why) {
        if (connection == c) {
            markDown(why);
        }
    }

    /**
     * No new calls until it answers on a connection opened from now on, or on the current one if
     * it still may. The first reason stays: what follows from it (a refused connection is also
     * lost) says less.
     */
    synchronized void markDown(String why) {
        if (down == null) {
            LOG.info("replica {} is unhealthy: {}", replica, why);
            down = why;
        }
    }

    /**
     * A frame arrived on {@code c}: the replica answers. Called for the first frame of each
     * connection and for frames that arrive while the replica is down, so each call that passes
     * the check below is news: the replica began to answer.
     */
    synchronized void answered(ClientConnection c) {
        if (connection != c || !c.usable()) {
            return;
        }
        if (down != null) {
            LOG.info("replica {} answers again", replica);
            down = null;
        }
        // the news last: whoever acts on it (an open breaker probing) finds the replica up and routable
        answeredAgainAt = System.nanoTime();
        answeredAgain = true;
    }

    /**
     * Health check tick. Pings a live connection that has been quiet: for a fifth of the ping
     * interval when calls are outstanding or were made since the last tick (a replica that hangs
     * under calls is then marked unhealthy within 0.9 interval: quiet 0.2, the tick 0.1, the
     * answer timeout 0.5, the tick 0.1), else for half an interval (idle connections cost one
     * ping per interval). A connection carrying replies proves its replica alive and is not
     * pinged. A ping unanswered for the answer timeout marks the replica unhealthy: it gets no new
     * calls while another replica is available, and is healthy again when it answers.
     *
     * <p>A connection silent for {@link RpcClient.Settings#closeAfterNanos()} is closed (and
     * reconnected) only once no call is in flight on it: a replica short of CPU or in a long pause
     * still owes those replies, and closing would fail every one of them and cancel their work,
     * turning a slow replica into a failing one (calls in flight to a hung replica end at their
     * deadlines). The exception is a replica that also stopped reading: a caller blocked writing
     * to it would never reach its deadline, so a write that has waited that long closes the
     * connection.
     *
     * @return whether the next tick should come soon: calls are outstanding or were made, or a
     *     ping awaits its answer
     */
    boolean check(long now) {
        RpcClient.Settings s = client.settings();
        long callsNow = calls.get();
        boolean busy = outstanding.get() > 0 || callsNow != callsAtLastCheck;
        callsAtLastCheck = callsNow;
        ClientConnection c = connection;
        if (c == null || !c.wire.open()) {
            if (down != null || ejected) {
                connect();
            }
            return busy;
        }
        long silent = now - c.lastHeard;
        boolean pending = c.pingPending();
        boolean overdue = pending && now - c.pingSent > s.answerTimeoutNanos();
        if (overdue) {
            markDown("no answer to a ping for " + TimeUnit.NANOSECONDS.toMillis(now - c.pingSent) + " ms");
        }
        if (silent > s.closeAfterNanos()) {
            long stalled = c.wire.stalledNanos(now);
            if (stalled > s.closeAfterNanos()) {
                LOG.info("closing the connection to {}: it took nothing of a write for {} ms", replica,
                        TimeUnit.NANOSECONDS.toMillis(stalled));
            }
            if (outstanding.get() == 0 || stalled > s.closeAfterNanos()) {
                c.close();
                return busy;
            }
        }
        if (!pending && silent >= (busy ? s.pingIntervalNanos() / 5 : s.pingIntervalNanos() / 2)) {
            c.ping();
            pending = true;
            overdue = false;
        }
        return busy || (pending && !overdue);
    }

    /** A call completed at the transport level (any reply, even an exception). */
    void succeeded() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /** A call failed at the transport level; ejects after too many in a row. */
    void failed() {
        int n = consecutiveFailures.incrementAndGet();
        RpcClient.Settings s = client.settings();
        if (n >= s.ejectAfterFailures()) {
            synchronized (this) {
                long now = System.nanoTime();
                if (ejected && now - ejectedUntil < 0) {
                    return;
                }
                ejections++;
                long nanos = s.ejectionNanos() * Math.min(ejections, 10);
                ejectedUntil = now + nanos;
                ejected = true;
                consecutiveFailures.set(0);
                LOG.warn("replica {} ejected for {} ms after {} consecutive failures", replica,
                        TimeUnit.NANOSECONDS.toMillis(nanos), n);
            }
        }
    }

    void close() {
        ClientConnection c = connection;
        if (c != null) {
            c.close();
        }
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
