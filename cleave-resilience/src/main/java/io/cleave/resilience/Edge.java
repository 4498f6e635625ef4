package io.cleave.resilience;

import io.cleave.BulkheadFullException;
import io.cleave.CallRejectedException;
import io.cleave.ComponentUnavailableException;
import io.cleave.MessageTooLargeException;
import io.cleave.RemoteFailureException;
import io.cleave.spi.Invoker;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The calls from this process to one component: its circuit breaker, bulkhead and retry budget
 * (Resilience4j's breaker and bulkhead), and what happened to its calls, for status reports.
 */
final class Edge {

    private static final System.Logger LOG = System.getLogger("cleave.resilience");

    final String callee;
    final Policy policy;
    final boolean encoded;
    final Optional<CircuitBreaker> breaker;
    final Optional<Bulkhead> bulkhead;
    final RetryBudget budget;
    final LongAdder calls = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder fallbacks = new LongAdder();
    /** When the breaker last opened, as {@link System#nanoTime()}. */
    private volatile long openedAt;

    Edge(String callee, Policy policy, boolean encoded) {
        this.callee = callee;
        this.policy = policy;
        this.encoded = encoded;
        this.budget = new RetryBudget(policy.retryBudget());
        this.breaker = policy.breaker() ? Optional.of(CircuitBreaker.of(callee, breakerConfig(policy, encoded)))
                : Optional.empty();
        breaker.ifPresent(cb -> cb.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt = System.nanoTime();
            }
        }));
        this.bulkhead = policy.bulkhead() > 0 ? Optional.of(Bulkhead.of(callee, BulkheadConfig.custom()
                .maxConcurrentCalls(policy.bulkhead()).maxWaitDuration(Duration.ZERO).build())) : Optional.empty();
    }

    /**
     * Lets an open breaker probe before its time when the component answers again: a replica of it
     * began to answer after the breaker opened (a restarted or new replica, or one that was hung).
     * Waiting out {@code breaker-open-for} would refuse calls a healthy component could serve.
     *
     * @param calls the invoker that performs the calls, which knows whether a replica answered again
     * @return whether the breaker now lets probes through
     */
    boolean halfOpenOnNews(Invoker calls) {
        CircuitBreaker cb = breaker.orElseThrow();
        if (cb.getState() != CircuitBreaker.State.OPEN || !calls.answeredAgainSince(openedAt)) {
            return false;
        }
        synchronized (this) {
            if (cb.getState() == CircuitBreaker.State.OPEN) {
                LOG.log(System.Logger.Level.INFO, "calls to " + callee + ": the breaker lets probes through before its"
                        + " time: a replica answers again");
                cb.transitionToHalfOpenState();
            }
        }
        return true;
    }

    private static CircuitBreakerConfig breakerConfig(Policy p, boolean encoded) {
        CircuitBreakerConfig.Builder b = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(p.breakerWindow())
                .minimumNumberOfCalls(p.breakerMinimumCalls())
                .failureRateThreshold(p.breakerFailureRate())
                .slowCallRateThreshold(p.breakerSlowCallRate())
                .slowCallDurationThreshold(p.breakerSlowCall().orElse(Duration.ofDays(365)))
                .waitDurationInOpenState(p.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(p.breakerHalfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(e -> failedForWantOfTheCallee(e, encoded));
        return b.build();
    }

    /**
     * Whether a call failed because the component could not answer it: unreachable, overloaded,
     * too slow, or it failed with an exception the method does not declare. A declared checked
     * exception is the component's answer; a message too large, a refused argument or a full
     * bulkhead of this very process say nothing about the component.
     */
    static boolean failedForWantOfTheCallee(Throwable e, boolean encoded) {
        if (e instanceof BulkheadFullException || e instanceof MessageTooLargeException) {
            return false;
        }
        if (e instanceof ComponentUnavailableException || e instanceof RemoteFailureException) {
            return true;
        }
        // In a plain local call the callee's own unchecked exceptions arrive as themselves.
        return !encoded && e instanceof RuntimeException && !(e instanceof CallRejectedException);
    }

    /** How the edge stands, for {@code cleave status}. */
    String describe() {
        StringBuilder b = new StringBuilder(policy.describe());
        breaker.ifPresent(cb -> b.append("; breaker ").append(cb.getState())
                .append(" (failure rate ").append(rate(cb.getMetrics().getFailureRate())).append(")"));
        bulkhead.ifPresent(bh -> b.append("; bulkhead ").append(policy.bulkhead() - bh.getMetrics().getAvailableConcurrentCalls())
                .append("/").append(policy.bulkhead()).append(" busy"));
        b.append("; calls ").append(calls.sum()).append(", failed ").append(failures.sum()).append(", refused ")
                .append(rejected.sum()).append(", retried ").append(retries.sum()).append(", fell back ").append(fallbacks.sum());
        return b.toString();
    }

    private static String rate(float r) {
        return r < 0 ? "n/a" : Math.round(r) + "%";
    }
}
