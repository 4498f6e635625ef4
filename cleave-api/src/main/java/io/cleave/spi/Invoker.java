package io.cleave.spi;

import java.time.Duration;

/**
 * Where a generated stub sends a call: in process with or without encoding, or over the
 * network. Implementations decorate each other (metrics, resilience, tracing).
 */
@FunctionalInterface
public interface Invoker {

    /**
     * The deadline of an encoded call (across processes, or in process as if it were) whose
     * caller set none: 30 seconds.
     */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Performs one call.
     *
     * @param method the called method
     * @param arguments its arguments in order (boxed; {@code null} only where the caller passed null)
     * @return the result (boxed; {@code null} for {@code void})
     * @throws Exception a declared checked exception of the method, as itself; or an unchecked
     *     exception such as {@link io.cleave.ComponentUnavailableException} or
     *     {@link io.cleave.RemoteFailureException}
     */
    Object invoke(MethodDescriptor method, Object[] arguments) throws Exception;

    /**
     * Whether a replica of the called component began to answer after {@code nanoTime}: a new
     * replica, or one that had been unreachable or silent, answered on its connection. A circuit
     * breaker opened for want of the component lets probes through on this news instead of waiting
     * out its time. An invoker that wraps another passes the question on; one that cannot tell (an
     * instance in this process) answers false.
     *
     * @param nanoTime a {@link System#nanoTime()} reading
     * @return whether a replica answered again since then
     */
    default boolean answeredAgainSince(long nanoTime) {
        return false;
    }
}
