package io.cleave.observe;

import io.cleave.BulkheadFullException;
import io.cleave.CircuitOpenException;
import io.cleave.ComponentUnavailableException;
import io.cleave.OverloadedException;
import io.cleave.RemoteFailureException;
import io.cleave.spi.ExceptionType;
import io.cleave.spi.MethodDescriptor;
import java.util.Locale;

/**
 * How a call ended, as the {@code outcome} label of {@code cleave_calls_seconds} names it. Every
 * call ends in exactly one: a value, or one kind of error.
 */
enum Outcome {
    /** The method returned. */
    OK,
    /** It threw a checked exception its method declares: an answer of the contract, still counted apart. */
    DECLARED,
    /** Its deadline passed: before it was made, while waiting, or at a configured timeout. */
    TIMEOUT,
    /** A circuit breaker was open and refused it at once. */
    BREAKER_OPEN,
    /** A bulkhead was full and refused it at once. */
    BULKHEAD_FULL,
    /** The callee's process shed it past its concurrency limit. */
    OVERLOADED,
    /** It could not be made or answered: no replica, a lost connection, a cancelled caller. */
    UNAVAILABLE,
    /** The callee threw an undeclared exception in another process (or with serialize-calls). */
    REMOTE_FAILURE,
    /** The callee threw an undeclared exception in this process. */
    FAILURE;

    /** The label value: {@code ok}, {@code declared}, {@code breaker_open}, ... */
    final String label = name().toLowerCase(Locale.ROOT);

    /**
     * Which kind of error a call's exception is.
     *
     * @param method the called method
     * @param e what the call threw
     * @return never {@link #OK}
     */
    static Outcome of(MethodDescriptor method, Throwable e) {
        for (ExceptionType<?> declared : method.exceptions()) {
            if (declared.type().isInstance(e)) {
                return DECLARED;
            }
        }
        return switch (e) {
            case CircuitOpenException c -> BREAKER_OPEN;
            case BulkheadFullException b -> BULKHEAD_FULL;
            case OverloadedException o -> OVERLOADED;
            case RemoteFailureException r -> REMOTE_FAILURE;
            case ComponentUnavailableException u -> deadline(u) ? TIMEOUT : UNAVAILABLE;
            default -> FAILURE;
        };
    }

    /** The runtime, the transport and the policies all say "deadline" when a call ran out of time. */
    private static boolean deadline(ComponentUnavailableException e) {
        String message = e.getMessage();
        return message != null && message.contains("deadline");
    }
}
