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

/** A client's connection to, and opinion of, one replica. */
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
    private volatile Health health = Health.UNKNOWN;
    private volatile long ejectedUntil;
    private int ejections; // guarded by this

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
        Health h = health;
        if (h == Health.UNHEALTHY) {
            return false;
        }
        if (h == Health.EJECTED) {
            if (now - ejectedUntil < 0) {
                return false;
            }
            health = connection != null && connection.usable() ? Health.HEALTHY : Health.UNKNOWN;
        }
        return true;
    }

    Health health() {
        Health h = health;
        return h == Health.EJECTED && System.nanoTime() - ejectedUntil >= 0 ? Health.UNKNOWN : h;
    }

    ReplicaStatus status() {
        return new ReplicaStatus(replica, health(), outstanding.get(), calls.get(), consecutiveFailures.get());
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
            throw new ComponentUnavailableException(what + ": connection to " + replica + " closed right after it opened", true);
        }
        return c;
    }

    /** Starts connecting unless a connection is up or being made; returns the attempt. */
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
                markUnhealthy("cannot connect: " + describe(e));
                f.completeExceptionally(e);
                return;
            }
            synchronized (this) {
                connection = opened;
                if (health != Health.EJECTED) {
                    health = Health.HEALTHY;
                }
            }
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
        if (connection == c) {
            markUnhealthy("connection lost" + (callsLost > 0 ? " with " + callsLost + " calls in flight" : ""));
        }
    }

    void goingAway(ClientConnection c) {
        if (connection == c) {
            markUnhealthy("going away");
        }
    }

    synchronized void markUnhealthy(String why) {
        // An ejection is timed and stronger: a connection that drops while the replica is
        // ejected must not shorten it (the check loop reconnects ejected replicas anyway).
        if (health == Health.EJECTED) {
            return;
        }
        if (health != Health.UNHEALTHY) {
            LOG.info("replica {} is unhealthy: {}", replica, why);
        }
        health = Health.UNHEALTHY;
    }

    private synchronized void markAnswering(ClientConnection c) {
        if (connection == c && health == Health.UNHEALTHY) {
            LOG.info("replica {} answers again", replica);
            health = Health.HEALTHY;
        }
    }

    /**
     * Health check tick: ping a live connection that has been quiet for half a ping interval
     * (one carrying replies needs no ping), reconnect a dead one, notice silent ones. A
     * silent replica gets no new calls while another is available, but its connection is closed
     * only once no call is in flight on it: a replica short of CPU or in a long pause still owes
     * those replies, and closing would fail every one of them and cancel their work, turning a
     * slow replica into a failing one (calls in flight to a hung replica end at their deadlines).
     * The exception is a replica that also stopped reading: a caller blocked writing to it would
     * never reach its deadline, so a write that has waited that long closes the connection.
     * A silent replica that answers again is healthy again.
     */
    void check(long now, long pingInterval, long pongTimeout) {
        ClientConnection c = connection;
        if (c != null && c.wire.open()) {
            long silent = now - c.lastHeard;
            if (silent > pongTimeout) {
                markUnhealthy("no answer to pings for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms");
                long stalled = c.wire.stalledNanos(now);
                if (stalled > pongTimeout) {
                    LOG.info("closing the connection to {}: it took nothing of a write for {} ms", replica,
                            TimeUnit.NANOSECONDS.toMillis(stalled));
                }
                if (outstanding.get() == 0 || stalled > pongTimeout) {
                    c.close();
                    return;
                }
            } else if (health == Health.UNHEALTHY && c.usable()) {
                markAnswering(c);
            }
            if (2 * silent >= pingInterval) { // half: a pong to the last tick's ping must not skip this one
                c.ping();
            }
        } else if (health == Health.UNHEALTHY || health == Health.EJECTED) {
            connect();
        }
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
                if (health == Health.EJECTED) {
                    return;
                }
                ejections++;
                long nanos = s.ejectionNanos() * Math.min(ejections, 10);
                ejectedUntil = System.nanoTime() + nanos;
                health = Health.EJECTED;
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
