package io.cleave.resilience;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps the retries of one edge at a share of its calls, as gRPC's retry throttling and Envoy's
 * retry budgets do, so that retries cannot multiply an overload: every call deposits
 * {@code ratio} of a token, every retry withdraws a whole one, and a retry without a whole token
 * is not made. The balance is capped, and starts full, so a quiet edge may still retry a burst
 * of failures.
 */
final class RetryBudget {

    private static final long UNIT = 1_000;

    private final long deposit;
    private final long cap;
    private final AtomicLong balance;

    /**
     * @param ratio retries allowed per call, 0 to 1
     */
    RetryBudget(double ratio) {
        this.deposit = Math.round(ratio * UNIT);
        this.cap = Math.max(10 * UNIT, 100 * deposit);
        this.balance = new AtomicLong(ratio == 0 ? 0 : cap);
    }

    /** A call is made. */
    void called() {
        if (deposit == 0) {
            return;
        }
        long b;
        do {
            b = balance.get();
            if (b >= cap) {
                return;
            }
        } while (!balance.compareAndSet(b, Math.min(cap, b + deposit)));
    }

    /** @return true, taking a token, when a retry may be made */
    boolean tryRetry() {
        long b;
        do {
            b = balance.get();
            if (b < UNIT) {
                return false;
            }
        } while (!balance.compareAndSet(b, b - UNIT));
        return true;
    }

    /** @return whole retries left, for status reports */
    long left() {
        return balance.get() / UNIT;
    }
}
