package io.cleave.deploy;

import io.cleave.transport.Replica;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * One replica of one group: the place a child process fills, through its restarts. Mutable;
 * every field is guarded by the supervisor's lock.
 */
final class Slot {

    /** Where a slot is in its life. */
    enum State {
        /** Launched, not yet serving. */
        STARTING,
        /** Serving; in the routing tables. */
        RUNNING,
        /** Exited; waiting to be restarted. */
        BACKOFF,
        /** Exited too often in the window; not restarted. */
        CRASH_LOOP,
        /** Told to stop; draining. */
        STOPPING,
        /** Stopped by the supervisor. */
        STOPPED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private static final int KEEP_OUTPUT_LINES = 8;

    final Plan.Group group;
    final int index;

    State state = State.STARTING;
    int generation;
    @Nullable Process process;
    @Nullable ControlLine control;
    @Nullable Replica address;
    @Nullable Instant since;
    @Nullable Future<?> timer;
    List<Thread> pumps = List.of();
    /** Completes once this process's exit has been handled (logged, routes updated). */
    CompletableFuture<Void> exitHandled = CompletableFuture.completedFuture(null);
    int restarts;
    long unhealthySince;
    String lastExit = "";
    /** How the current process's calls to each component stand, as it last reported. */
    java.util.Map<String, String> calls = java.util.Map.of();
    /** What the current process serves (its admin endpoint's URLs), as it reported at start. */
    java.util.Map<String, String> endpoints = java.util.Map.of();
    final Deque<Long> exits = new ArrayDeque<>();
    private final Deque<String> output = new ArrayDeque<>();

    Slot(Plan.Group group, int index) {
        this.group = group;
        this.index = index;
    }

    String tag() {
        return group.name() + "/" + index;
    }

    long pid() {
        Process p = process;
        return p == null ? 0 : p.pid();
    }

    Optional<Replica> ready() {
        return state == State.RUNNING ? Optional.ofNullable(address) : Optional.empty();
    }

    /** Remembers the last lines a child printed, to say why it exited. */
    void remember(String line) {
        synchronized (output) {
            if (output.size() == KEEP_OUTPUT_LINES) {
                output.removeFirst();
            }
            output.addLast(line);
        }
    }

    /**
     * The most telling of the last lines: a {@code cleave: } startup failure if there is one,
     * else the last line.
     */
    String lastWords() {
        synchronized (output) {
            String found = "";
            for (String line : output) {
                if (line.startsWith("cleave: ")) {
                    found = line;
                }
            }
            if (found.isEmpty() && !output.isEmpty()) {
                found = output.getLast();
            }
            return found;
        }
    }

    void forgetOutput() {
        synchronized (output) {
            output.clear();
        }
    }
}
