package io.cleave;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * What travels with a call from component to component, locally or across processes: its
 * deadline, whether the caller cancelled it, its trace id and the caller's identity.
 *
 * <p>The current context is per thread. The runtime installs one around every call it
 * dispatches (a remote callee sees the caller's <em>remaining</em> time, so clocks of the two
 * machines need not agree); code outside any call sees an empty context without deadline.
 * Give a piece of work a deadline with {@link #withDeadline(Duration, Callable)}:
 *
 * <pre>{@code
 * Quote quote = CallContext.withDeadline(Duration.ofMillis(200), () -> pricing.quote(cart));
 * }</pre>
 *
 * <p>Callees that loop or block should check {@link #cancelled()} or
 * {@link #deadlinePassed()}; a remote callee's thread is also interrupted when its deadline
 * passes or its caller gives up.
 */
public final class CallContext {

    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();
    private static final CallContext EMPTY = new CallContext(NO_DEADLINE, "", "");

    private final long deadline; // a System.nanoTime() instant, or NO_DEADLINE
    private final String traceId;
    private final String caller;
    private volatile boolean cancelled;

    private CallContext(long deadline, String traceId, String caller) {
        this.deadline = deadline;
        this.traceId = traceId;
        this.caller = caller;
    }

    /**
     * The context of the call this thread is running, or an empty one (no deadline, no trace,
     * no caller) outside any call.
     *
     * @return the current context, never null
     */
    public static CallContext current() {
        CallContext c = CURRENT.get();
        return c == null ? EMPTY : c;
    }

    /**
     * Runs work with a deadline: the earlier of {@code now + timeout} and the current
     * context's deadline. Trace id and caller are kept. Calls made by the work carry the
     * deadline; a remote call that cannot finish in time fails with
     * {@link ComponentUnavailableException}.
     *
     * @param timeout how long the work may take; positive
     * @param work what to run
     * @param <T> its result type
     * @return what the work returned
     * @throws Exception whatever the work throws
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public static <T> T withDeadline(Duration timeout, Callable<T> work) throws Exception {
        Objects.requireNonNull(work, "work");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("deadline timeout must be positive, got " + timeout);
        }
        CallContext outer = current();
        long candidate = System.nanoTime() + saturatedNanos(timeout);
        long deadline = outer.deadline == NO_DEADLINE || candidate - outer.deadline < 0 ? candidate : outer.deadline;
        CallContext inner = new CallContext(deadline, outer.traceId, outer.caller);
        if (outer.cancelled) {
            inner.cancelled = true;
        }
        return inner.call(work);
    }

    /**
     * Runs work in a context like the current one (same deadline, caller and cancellation) that
     * belongs to another trace position: calls the work makes carry {@code traceId} instead. A
     * tracer (cleave-observe) uses it to hand the current span's W3C {@code traceparent} to the
     * calls made inside it, which carry it across processes.
     *
     * @param <T> the work's result
     * @param traceId the trace position the work's calls carry, such as a W3C traceparent
     * @param work what to run
     * @return what the work returned
     * @throws Exception what the work threw
     */
    public static <T> T withTraceId(String traceId, Callable<T> work) throws Exception {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(work, "work");
        CallContext outer = current();
        CallContext inner = new CallContext(outer.deadline, traceId, outer.caller);
        if (outer.cancelled) {
            inner.cancelled = true;
        }
        return inner.call(work);
    }

    /**
     * Runs work with this context installed as the current one, restoring the previous one
     * afterwards. Used by transports and the runtime to run a callee inside its caller's
     * context.
     *
     * @param work what to run
     * @param <T> its result type
     * @return what the work returned
     * @throws Exception whatever the work throws
     */
    public <T> T call(Callable<T> work) throws Exception {
        CallContext previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.call();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /**
     * Time left before the deadline.
     *
     * @return the remaining time, {@link Duration#ZERO} once it passed; empty without deadline
     */
    public Optional<Duration> remaining() {
        if (deadline == NO_DEADLINE) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /**
     * Time left before the deadline in nanoseconds, for transports on the hot path.
     *
     * @return the remaining nanoseconds (zero or negative once passed), or
     *     {@link Long#MAX_VALUE} without deadline
     */
    public long remainingNanos() {
        return deadline == NO_DEADLINE ? Long.MAX_VALUE : deadline - System.nanoTime();
    }

    /** @return whether this context has a deadline and it has passed */
    public boolean deadlinePassed() {
        return deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0;
    }

    /** @return whether the caller cancelled the call; work should stop soon */
    public boolean cancelled() {
        return cancelled;
    }

    /**
     * Marks the call cancelled. Transports call it when the remote caller gives up; the
     * empty context outside any call cannot be cancelled and ignores this.
     */
    public void cancel() {
        if (this != EMPTY) {
            cancelled = true;
        }
    }

    /** @return the trace id this call belongs to, empty when none */
    public Optional<String> traceId() {
        return traceId.isEmpty() ? Optional.empty() : Optional.of(traceId);
    }

    /** @return who made the call (a component or process name), empty when unknown */
    public Optional<String> caller() {
        return caller.isEmpty() ? Optional.empty() : Optional.of(caller);
    }

    /**
     * Starts describing a context, as a transport does for a call it received.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "CallContext[remaining=" + remaining().map(Duration::toString).orElse("none")
                + ", trace=" + traceId + ", caller=" + caller + (cancelled ? ", cancelled" : "") + "]";
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** Builds a {@link CallContext}; every part is optional. */
    public static final class Builder {
        private long remainingNanos = NO_DEADLINE;
        private String traceId = "";
        private String caller = "";

        private Builder() {
        }

        /**
         * Gives the context a deadline this long after {@link #build()}.
         *
         * @param remaining time left; zero or negative means already passed
         * @return this builder
         */
        public Builder remaining(Duration remaining) {
            this.remainingNanos = saturatedNanos(remaining);
            return this;
        }

        /**
         * Same as {@link #remaining(Duration)} in nanoseconds.
         *
         * @param nanos time left in nanoseconds
         * @return this builder
         */
        public Builder remainingNanos(long nanos) {
            this.remainingNanos = Math.min(nanos, Long.MAX_VALUE / 4);
            return this;
        }

        /**
         * @param traceId the trace the call belongs to
         * @return this builder
         */
        public Builder traceId(String traceId) {
            this.traceId = Objects.requireNonNull(traceId, "traceId");
            return this;
        }

        /**
         * @param caller who makes the call
         * @return this builder
         */
        public Builder caller(String caller) {
            this.caller = Objects.requireNonNull(caller, "caller");
            return this;
        }

        /** @return the context; its deadline counts from now */
        public CallContext build() {
            long deadline = remainingNanos == NO_DEADLINE ? NO_DEADLINE : System.nanoTime() + remainingNanos;
            return new CallContext(deadline, traceId, caller);
        }
    }
}
