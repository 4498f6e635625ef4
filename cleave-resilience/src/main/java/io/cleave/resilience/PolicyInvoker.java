package io.cleave.resilience;

import io.cleave.BulkheadFullException;
import io.cleave.CallContext;
import io.cleave.CallRejectedException;
import io.cleave.CircuitOpenException;
import io.cleave.ComponentUnavailableException;
import io.cleave.OverloadedException;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The policies of one edge around the invoker that performs its calls, outermost first:
 * fallback, circuit breaker, bulkhead, timeout, retries. The breaker judges whole calls, retries
 * included, so a replica that died and whose calls were retried on another does not open the
 * breaker of the component; the bulkhead counts whole calls too. Retries happen inside the
 * timeout, only when safe, and only while the edge's retry budget lasts.
 */
final class PolicyInvoker implements Invoker {

    /** How long a caller should wait after a full bulkhead: about a call's time. */
    private static final Duration BULKHEAD_RETRY_AFTER = Duration.ofMillis(100);

    private final Edge edge;
    private final Invoker next;
    /** Per method index: its timeout and retries. */
    private final Policy[] methods;

    PolicyInvoker(Edge edge, Invoker next, Policy[] methods) {
        this.edge = edge;
        this.next = next;
        this.methods = methods.clone();
    }

    @Override
    public boolean answeredAgainSince(long nanoTime) {
        return next.answeredAgainSince(nanoTime);
    }

    @Override
    public Object invoke(MethodDescriptor method, Object[] arguments) throws Exception {
        edge.calls.increment();
        edge.budget.called();
        try {
            return broken(method, arguments);
        } catch (Exception e) {
            if (method.fallback().isEmpty() || !(e instanceof CallRejectedException || Edge.failedForWantOfTheCallee(e, edge.encoded))) {
                throw e;
            }
            edge.fallbacks.increment();
            try {
                return method.fallback().get().answer(arguments);
            } catch (Exception fallbackFailed) {
                fallbackFailed.addSuppressed(e);
                throw fallbackFailed;
            }
        }
    }

    private Object broken(MethodDescriptor method, Object[] arguments) throws Exception {
        if (edge.breaker.isEmpty()) {
            return bulkheaded(method, arguments);
        }
        CircuitBreaker breaker = edge.breaker.get();
        if (!breaker.tryAcquirePermission() && !(edge.halfOpenOnNews(next) && breaker.tryAcquirePermission())) {
            edge.rejected.increment();
            throw new CircuitOpenException(method.fullName() + ": refused without calling " + edge.callee + ": its circuit"
                    + " breaker is " + breaker.getState() + " (" + Math.round(breaker.getMetrics().getFailureRate())
                    + "% of the last calls failed, " + Math.round(breaker.getMetrics().getSlowCallRate()) + "% were slow)",
                    edge.policy.breakerOpenFor());
        }
        long start = System.nanoTime();
        try {
            Object result = bulkheaded(method, arguments);
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return result;
        } catch (Exception e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            throw e;
        }
    }

    private Object bulkheaded(MethodDescriptor method, Object[] arguments) throws Exception {
        if (edge.bulkhead.isEmpty()) {
            return timed(method, arguments);
        }
        Bulkhead bulkhead = edge.bulkhead.get();
        if (!bulkhead.tryAcquirePermission()) {
            edge.rejected.increment();
            throw new BulkheadFullException(method.fullName() + ": refused at once: this process already has "
                    + edge.policy.bulkhead() + " calls in flight to " + edge.callee + " ([resilience] bulkhead = "
                    + edge.policy.bulkhead() + ")", BULKHEAD_RETRY_AFTER);
        }
        try {
            return timed(method, arguments);
        } finally {
            bulkhead.onComplete();
        }
    }

    private Object timed(MethodDescriptor method, Object[] arguments) throws Exception {
        Policy policy = methods[method.index()];
        try {
            return policy.timeout().isEmpty() ? retried(method, arguments, policy)
                    : CallContext.withDeadline(policy.timeout().get(), () -> retried(method, arguments, policy));
        } catch (Exception e) {
            if (Edge.failedForWantOfTheCallee(e, edge.encoded)) {
                edge.failures.increment();
            }
            throw e;
        }
    }

    private Object retried(MethodDescriptor method, Object[] arguments, Policy policy) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return next.invoke(method, arguments);
            } catch (ComponentUnavailableException e) {
                if (attempt >= policy.retries() || !safeToRetry(e, method)) {
                    throw e;
                }
                long cap = Math.min(policy.maxRetryBackoff().toNanos(), policy.retryBackoff().toNanos() << Math.min(attempt, 20));
                long pause = ThreadLocalRandom.current().nextLong(cap + 1);
                CallContext context = CallContext.current();
                if (context.remainingNanos() <= pause || context.cancelled() || Thread.currentThread().isInterrupted()
                        || !edge.budget.tryRetry()) {
                    throw e;
                }
                TimeUnit.NANOSECONDS.sleep(pause);
                edge.retries.increment();
            }
        }
    }

    /**
     * A call may be made again when it certainly did not reach the component (a shed call may
     * go to another replica), or when the method is idempotent; never when this process refused
     * it itself, since it would refuse it again.
     */
    private static boolean safeToRetry(ComponentUnavailableException e, MethodDescriptor method) {
        if (e instanceof CallRejectedException && !(e instanceof OverloadedException)) {
            return false;
        }
        return e.certainlyNotDelivered() || method.idempotent();
    }
}
