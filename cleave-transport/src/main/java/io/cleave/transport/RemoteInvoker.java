package io.cleave.transport;

import io.cleave.CallContext;
import io.cleave.ComponentUnavailableException;
import io.cleave.MessageTooLargeException;
import io.cleave.OverloadedException;
import io.cleave.RemoteFailureException;
import io.cleave.spi.CodecException;
import io.cleave.spi.Codec;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Sends the calls of one component to its replicas: routing, deadlines, retries. */
final class RemoteInvoker implements Invoker {

    private static final ThreadLocal<Writer> WRITERS = ThreadLocal.withInitial(() -> new Writer(256));
    private static final int KEEP_WRITER_BYTES = 64 * 1024;

    private final RpcClient client;
    private final RpcClient.Settings settings;
    private final String component;
    private final byte[] componentBytes;
    private final RoutingTable table;
    private final AtomicInteger roundRobin = new AtomicInteger();
    /** Whether the client watches the table yet: from the first call on. */
    private volatile boolean watched;

    RemoteInvoker(RpcClient client, String component, RoutingTable table) {
        this.client = client;
        this.settings = client.settings();
        this.component = component;
        this.componentBytes = component.getBytes(StandardCharsets.UTF_8);
        if (componentBytes.length > 0xffff) {
            throw new IllegalArgumentException("component name is longer than 65535 bytes");
        }
        this.table = table;
    }

    /** Whether a replica now in the table began to answer after {@code nanoTime}: for a breaker waiting to probe. */
    @Override
    public boolean answeredAgainSince(long nanoTime) {
        for (Replica r : table.replicas()) {
            if (client.state(r).answeredAgainSince(nanoTime)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Object invoke(MethodDescriptor method, Object[] arguments) throws Exception {
        if (!watched && !client.closed()) {
            watched = true;
            client.watch(table);
        }
        CallContext context = CallContext.current();
        String what = method.fullName();
        if (context.cancelled()) {
            throw new ComponentUnavailableException(what + ": the calling context was cancelled", true);
        }
        if (Thread.currentThread().isInterrupted()) {
            // Decided before anything is sent, like the JDK's interruptible waits: otherwise a quick
            // reply could race the interrupt check and an interrupted caller would sometimes succeed.
            throw new ComponentUnavailableException(what + ": the calling thread is interrupted; nothing was sent", true);
        }
        long start = System.nanoTime();
        long remaining = context.remainingNanos();
        if (remaining <= 0) {
            throw new ComponentUnavailableException(what + ": deadline passed before the call", true);
        }
        long deadline = start + Math.min(remaining, settings.defaultTimeoutNanos());
        if (remaining == Long.MAX_VALUE) {
            deadline = start + settings.defaultTimeoutNanos();
        }
        byte[] traceId = context.traceId().map(t -> t.getBytes(StandardCharsets.UTF_8)).orElseGet(RemoteInvoker::newTraceId);
        traceId = Frame.truncated(traceId, 0xff);
        boolean keyed = method.keyParameter() >= 0 && arguments[method.keyParameter()] != null;
        long keyHash = keyed ? keyHash(method, arguments[method.keyParameter()]) : 0;
        // Encoded once for every attempt. Nothing else runs on this thread until the call ends.
        Writer encoded = WRITERS.get();
        encoded.reset();
        try {
            method.writeArguments(encoded, arguments);
            // refused here, before anything is sent (not even a connection opened), and never retried
            method.checkArgumentsSize(encoded.size(), settings.maxMessageBytes());
            return send(method, encoded, deadline, traceId, what, keyed, keyHash, context);
        } finally {
            if (encoded.buffer().length > KEEP_WRITER_BYTES) {
                WRITERS.remove();
            }
        }
    }

    /**
     * Tries the call on another replica while it certainly did not reach one (a refused
     * connection, a REJECT, a GOAWAY), until it is delivered or runs out of attempts or time: that
     * is routing, always safe. Retrying a call that may have run (an idempotent one whose
     * connection dropped or whose deadline passed) is a policy's decision, with its budget and
     * backoff (cleave-resilience), not this invoker's.
     */
    private Object send(MethodDescriptor method, Writer encoded, long deadline, byte[] traceId, String what, boolean keyed,
            long keyHash, CallContext context) throws Exception {
        List<ReplicaState> tried = null;
        for (int attempt = 1; ; attempt++) {
            ReplicaState replica = choose(what, keyed, keyHash, tried);
            try {
                return attempt(replica, method, encoded, deadline, traceId, what);
            } catch (ComponentUnavailableException e) {
                long left = deadline - System.nanoTime();
                if (!e.certainlyNotDelivered() || attempt >= settings.maxAttempts() || left <= 0 || Thread.currentThread().isInterrupted()
                        || context.cancelled()) {
                    throw e;
                }
                if (tried == null) {
                    tried = new ArrayList<>(2);
                }
                tried.add(replica);
                long cap = settings.retryBackoffNanos() << Math.min(attempt - 1, 16);
                long pause = Math.min(ThreadLocalRandom.current().nextLong(cap + 1), left / 2);
                if (pause > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(pause);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }
    }

    private Object attempt(ReplicaState replica, MethodDescriptor method, Writer encoded, long deadline,
            byte[] traceId, String what) throws Exception {
        if (client.closed()) {
            throw new ComponentUnavailableException(what + ": the RpcClient is closed", true);
        }
        ClientConnection connection;
        try {
            connection = replica.connection(deadline, what);
        } catch (ComponentUnavailableException e) {
            replica.failed();
            throw e;
        }
        long wait = deadline - System.nanoTime();
        if (!connection.permits.tryAcquire()) {
            boolean got;
            try {
                got = wait > 0 && connection.permits.tryAcquire(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ComponentUnavailableException(what + ": interrupted while waiting for a free call slot to "
                        + replica.replica, true, e);
            }
            if (!got) {
                throw new ComponentUnavailableException(what + ": deadline passed while " + settings.maxCallsPerConnection()
                        + " calls were in flight to " + replica.replica, true);
            }
        }
        replica.outstanding.incrementAndGet();
        replica.calls.incrementAndGet();
        client.callStarted();
        Object outcome;
        PendingCall call;
        try {
            long micros = Math.max(1, TimeUnit.NANOSECONDS.toMicros(deadline - System.nanoTime()));
            int callId = connection.nextCallId();
            byte[] frame = Frame.request(callId, componentBytes, method.id(), micros, traceId, encoded.buffer(),
                    encoded.size());
            call = new PendingCall(callId, deadline);
            connection.send(call, frame);
            io.cleave.spi.WireBytes.count(frame.length, 0);
            client.expireBy(deadline);
            outcome = call.await();
        } finally {
            connection.permits.release();
            replica.outstanding.decrementAndGet();
        }
        if (outcome == null) {
            connection.cancel(call.id);
            if (Thread.currentThread().isInterrupted()) {
                throw new ComponentUnavailableException(what + ": interrupted while waiting for " + replica.replica
                        + "; the call was cancelled", false);
            }
            throw new ComponentUnavailableException(what + ": deadline exceeded waiting for " + replica.replica
                    + "; the call was cancelled", false);
        }
        if (outcome instanceof PendingCall.Overloaded o) {
            replica.succeeded(); // it answered: alive, only busy
            throw new OverloadedException(what + ": " + o.reason(), Duration.ofMillis(o.retryAfterMillis()));
        }
        if (outcome instanceof PendingCall.Failure f) {
            if (f.certainlyNotDelivered() && f.cause() == null) {
                replica.succeeded(); // a REJECT: the replica is alive and answering
            } else {
                replica.failed();
            }
            throw new ComponentUnavailableException(what + ": " + f.reason(), f.certainlyNotDelivered(), f.cause());
        }
        replica.succeeded();
        int replied = outcome instanceof PendingCall.TooLarge t ? t.bytes() : ((byte[]) outcome).length;
        io.cleave.spi.WireBytes.count(0, replied);
        if (replied > settings.maxMessageBytes()) {
            // the replica's limit is larger than this client's: what this client takes, it decodes
            throw new MessageTooLargeException(component, method.name(), true, replied, settings.maxMessageBytes(),
                    "the method ran on " + replica.replica + " and its result was dropped");
        }
        try {
            return method.readReply(new Reader((byte[]) outcome), replica.replica.toString());
        } catch (CodecException e) {
            throw new RemoteFailureException(component, method.name(), replica.replica.toString(),
                    CodecException.class.getName(), "malformed reply: " + e.getMessage());
        }
    }

    private ReplicaState choose(String what, boolean keyed, long keyHash, List<ReplicaState> tried) {
        List<Replica> all = table.replicas();
        int n = all.size();
        if (n == 0) {
            throw new ComponentUnavailableException(what + ": no replicas of " + component + " are known", true);
        }
        long now = System.nanoTime();
        List<ReplicaState> healthy = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ReplicaState s = client.state(all.get(i));
            if (s.available(now)) {
                healthy.add(s);
            }
        }
        List<ReplicaState> candidates = healthy;
        if (candidates.isEmpty()) {
            // Panic: nothing looks healthy. Try them all rather than fail without trying.
            candidates = new ArrayList<>(n);
            for (Replica r : all) {
                candidates.add(client.state(r));
            }
        }
        if (tried != null && candidates.size() > 1) {
            List<ReplicaState> untried = new ArrayList<>(candidates);
            untried.removeAll(tried);
            if (!untried.isEmpty()) {
                candidates = untried;
            }
        }
        int size = candidates.size();
        if (size == 1) {
            return candidates.get(0);
        }
        if (keyed) {
            return Rendezvous.pick(keyHash, candidates, s -> s.hash);
        }
        if (settings.balancer() == Balancer.ROUND_ROBIN) {
            return candidates.get(Math.floorMod(roundRobin.getAndIncrement(), size));
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        ReplicaState a = candidates.get(random.nextInt(size));
        ReplicaState b = candidates.get((candidates.indexOf(a) + 1 + random.nextInt(size - 1)) % size);
        return b.outstanding.get() < a.outstanding.get() ? b : a;
    }

    private static long keyHash(MethodDescriptor method, Object key) {
        Writer w = new Writer(32);
        @SuppressWarnings("unchecked")
        Codec<Object> codec = (Codec<Object>) method.parameters().get(method.keyParameter());
        codec.write(w, key);
        return Rendezvous.hash(w.buffer(), w.size());
    }

    private static byte[] newTraceId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return (Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE))
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "RemoteInvoker[" + component + " -> " + table + "]";
    }
}
