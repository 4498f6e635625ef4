package io.cleave.shop.users;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Failed log-ins within a sliding window, counted per key (an account's e-mail, a client
 * address), in this process's memory. Users runs as one replica, so the counts are the
 * application's; they start empty when Users restarts.
 */
final class LoginThrottle {

    /** Keys kept at most; past it the entries with no failure left in the window go first. */
    private static final int MAX_KEYS = 100_000;

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();

    LoginThrottle(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Seconds to wait before {@code key} may try again, or 0 when it may now. */
    synchronized long waitSeconds(String key) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        Instant now = clock.instant();
        expire(times, now);
        if (times.size() < limit) {
            return 0;
        }
        Duration left = Duration.between(now, times.peekFirst().plus(window));
        return Math.max(1, (left.toMillis() + 999) / 1000);
    }

    synchronized void failed(String key) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_KEYS) {
            for (Iterator<Deque<Instant>> it = failures.values().iterator(); it.hasNext(); ) {
                Deque<Instant> times = it.next();
                expire(times, now);
                if (times.isEmpty()) {
                    it.remove();
                }
            }
        }
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        expire(times, now);
        times.addLast(now);
        while (times.size() > limit) {
            times.removeFirst();
        }
    }

    synchronized void succeeded(String key) {
        failures.remove(key);
    }

    private void expire(Deque<Instant> times, Instant now) {
        while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
            times.removeFirst();
        }
    }
}
