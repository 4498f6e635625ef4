package io.cleave.saga;

import io.cleave.CallContext;
import io.cleave.Lifecycle;
import io.cleave.Saga;
import io.cleave.StartupException;
import io.cleave.Store;
import io.cleave.spi.Codec;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;
import io.cleave.saga.Journal.Phase;
import io.cleave.saga.Journal.Row;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * A {@link Saga} journaled in its component's {@link Store}: runs sagas in the caller's thread
 * ({@link #run}) and, from the moment its component has started, resumes those that are due in
 * the background of every process hosting the component (recovery). See {@link Saga} for what
 * is guaranteed, and {@link Journal} for how it is recorded.
 *
 * @param <S> the state type
 */
final class DurableSaga<S> implements Saga<S>, Lifecycle {

    private static final System.Logger LOG = System.getLogger("cleave.saga");
    /** The longest {@link #run} waits for a saga another process runs, without a caller's deadline. */
    private static final Duration RUN_WAIT = Duration.ofSeconds(10);
    private static final int RECOVERY_BATCH = 32;
    private static final int RECOVERY_CONCURRENCY = 16;

    private final String component;
    private final String parameter;
    private final Store store;
    private final Codec<S> codec;
    private final SagaSettings settings;
    private final Liveness liveness;
    private final Set<String> driving = ConcurrentHashMap.newKeySet();
    private final Semaphore recoverySlots = new Semaphore(RECOVERY_CONCURRENCY);
    private final Object stopLock = new Object();
    private volatile Steps<S> steps;
    private volatile Journal journal;
    private volatile boolean stopping;
    private Thread recovery;

    DurableSaga(String component, String parameter, Store store, Codec<S> codec, SagaSettings settings) {
        this.component = component;
        this.parameter = parameter;
        this.store = store;
        this.codec = codec;
        this.settings = settings;
        this.liveness = new Liveness(store, component);
    }

    // ---- the API ----------------------------------------------------------------------------

    @Override
    public void define(Steps<S> definition) {
        if (steps != null) {
            throw new IllegalStateException("component " + component + ": saga " + steps.name() + " (parameter \""
                    + parameter + "\") is already defined");
        }
        if (definition.steps().isEmpty()) {
            throw new IllegalArgumentException("component " + component + ": saga " + definition.name() + " has no steps");
        }
        Set<String> names = new HashSet<>();
        for (String name : names(definition)) {
            if (!names.add(name)) {
                throw new IllegalArgumentException("component " + component + ": saga " + definition.name()
                        + " has two steps named \"" + name + "\"");
            }
        }
        this.journal = new Journal(store, definition.name());
        this.steps = definition;
    }

    private static List<String> names(Steps<?> definition) {
        return java.util.stream.Stream.concat(definition.steps().stream().map(Step::name),
                definition.thens().stream().map(Named::name)).toList();
    }

    @Override
    public void start(Connection transaction, String id, S state) throws SQLException {
        Steps<S> definition = defined();
        if (id.isEmpty() || id.length() > 200) {
            throw new IllegalArgumentException("saga " + definition.name() + ": an id must be 1 to 200 characters: \"" + id + "\"");
        }
        journal.insert(transaction, id, encode(state), live(), settings.lease(), definition.deadline());
    }

    @Override
    public Outcome<S> run(String id) {
        Steps<S> definition = defined();
        long me = live();
        long waitUntil = System.nanoTime() + Math.min(RUN_WAIT.toNanos(), CallContext.current().remainingNanos());
        long pause = 5;
        while (true) {
            Row row = journal.load(id, me).orElseThrow(() -> new IllegalArgumentException("component " + component
                    + ": no saga " + definition.name() + " with id " + id));
            if (!row.phase().active()) {
                return outcome(row);
            }
            if (row.claimable() && driving.add(id)) {
                boolean mine = row.owner() == me;
                if (mine || journal.claim(row, me, settings.lease())) {
                    return drive(mine ? row : claimed(row), true);
                }
                driving.remove(id); // another process took it first: wait for it
            }
            if (System.nanoTime() - waitUntil > 0) {
                return outcome(row);
            }
            sleep(Duration.ofMillis(pause));
            pause = Math.min(pause * 2, 100);
        }
    }

    @Override
    public Optional<Outcome<S>> find(String id) {
        defined();
        return journal.load(id, live()).map(this::outcome);
    }

    private Steps<S> defined() {
        Steps<S> s = steps;
        if (s == null) {
            throw new IllegalStateException("component " + component + ": the saga of constructor parameter \"" + parameter
                    + "\" was never defined; call define(Saga.steps(...)...) in the constructor");
        }
        return s;
    }

    /** This process's liveness key, taking the lock on first use. */
    private long live() {
        long key = liveness.key();
        if (key != 0) {
            return key;
        }
        try {
            liveness.check();
        } catch (SQLException e) {
            throw new io.cleave.StoreException("component " + component + ": cannot reach its store to run sagas: "
                    + e.getMessage(), e);
        }
        return liveness.key();
    }

    // ---- running a saga -----------------------------------------------------------------------

    /** Lost the saga to another process: what it recorded since wins. */
    private static final class Lost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Lost() {
            super(null, null, false, false);
        }
    }

    /** A saga as this process runs it: the journal's row, moved along as changes are recorded. */
    private final class Cursor {
        final String id;
        long version;
        S state;
        Phase phase;
        int step;
        int attempts;
        int triesHere;
        Optional<Failure> failure;

        Cursor(Row row) {
            this.id = row.id();
            this.version = row.version();
            this.state = decode(row.state());
            this.phase = row.phase();
            this.step = row.step();
            this.attempts = row.attempts();
            this.failure = row.failure();
        }

        Journal.Change change(S next, Phase nextPhase, int nextStep, int nextAttempts, Optional<Failure> nextFailure,
                long owner, Duration retryAfter) {
            return new Journal.Change(id, version, encode(next), nextPhase, nextStep, nextAttempts, nextFailure, owner,
                    settings.lease(), retryAfter);
        }

        /** Moves to the next step in memory only; what is recorded next carries it. */
        void advance(S next, int nextStep) {
            state = next;
            step = nextStep;
            attempts = 0;
            triesHere = 0;
        }

        /** Moves to what {@code change} recorded. */
        void moved(S next, Journal.Change change) {
            if (change.step() != step || change.phase() != phase) {
                triesHere = 0;
            }
            version++;
            state = next;
            phase = change.phase();
            step = change.step();
            attempts = change.attempts();
            failure = change.failure();
        }

        /** Records a change in its own transaction. */
        void record(S next, Phase nextPhase, int nextStep, int nextAttempts, Optional<Failure> nextFailure, long owner,
                Duration retryAfter) {
            Journal.Change change = change(next, nextPhase, nextStep, nextAttempts, nextFailure, owner, retryAfter);
            if (!journal.record(change)) {
                throw new Lost();
            }
            moved(next, change);
        }
    }

    /**
     * Runs a saga this process has claimed (its id is in {@link #driving}) until it ends, waits
     * for a retry, or is lost to another process.
     */
    private Outcome<S> drive(Row row, boolean inline) {
        Steps<S> definition = steps;
        long me = liveness.key();
        long forwardDeadline = System.nanoTime() + row.untilDeadline().toNanos();
        Cursor c = new Cursor(row);
        try {
            while (true) {
                if (stopping) {
                    c.record(c.state, c.phase, c.step, c.attempts, c.failure, 0, Duration.ZERO);
                    return outcome(c);
                }
                switch (c.phase) {
                    case FORWARD -> {
                        if (c.step >= definition.steps().size()) {
                            if (!succeed(c, definition, me, inline)) {
                                return outcome(c);
                            }
                            continue;
                        }
                        Step<S> step = definition.steps().get(c.step);
                        S next;
                        try {
                            next = timed(() -> step.action().apply(c.state));
                        } catch (Exception e) {
                            if (permanent(e)) {
                                Failure f = new Failure(step.name(), e.getClass().getName(), message(e), true);
                                LOG.log(System.Logger.Level.INFO, () -> what(c) + ": step " + step.name() + " failed ("
                                        + f.message() + "); compensating");
                                c.record(c.state, Phase.COMPENSATING, c.step - 1, 0, Optional.of(f), me, Duration.ZERO);
                            } else if (System.nanoTime() - forwardDeadline >= 0) {
                                Failure f = new Failure(step.name(), e.getClass().getName(), message(e), false);
                                LOG.log(System.Logger.Level.WARNING, what(c) + ": step " + step.name() + " still failing after"
                                        + " the saga's deadline (" + definition.deadline() + "): " + f.message() + "; compensating");
                                c.record(c.state, Phase.COMPENSATING, c.step, 0, Optional.of(f), me, Duration.ZERO);
                            } else if (!retry(c, "step " + step.name(), e, inline)) {
                                return outcome(c);
                            }
                            continue;
                        }
                        if (c.step + 1 == definition.steps().size()) {
                            c.advance(next, c.step + 1); // the success records it, with the final state
                            continue;
                        }
                        c.record(next, Phase.FORWARD, c.step + 1, 0, Optional.empty(), me, Duration.ZERO);
                    }
                    case COMPENSATING -> {
                        if (c.step < 0) {
                            if (!fail(c, definition, inline)) {
                                return outcome(c);
                            }
                            continue;
                        }
                        Step<S> step = definition.steps().get(c.step);
                        if (step.compensation().isPresent()) {
                            try {
                                timed(() -> {
                                    step.compensation().get().undo(c.state);
                                    return null;
                                });
                            } catch (Exception e) {
                                if (!retry(c, "compensating step " + step.name(), e, inline)) {
                                    return outcome(c);
                                }
                                continue;
                            }
                        }
                        c.record(c.state, Phase.COMPENSATING, c.step - 1, 0, c.failure, me, Duration.ZERO);
                    }
                    case COMPLETING -> {
                        if (!complete(c, definition, inline)) {
                            return new Outcome.Succeeded<>(c.state);
                        }
                        return outcome(c);
                    }
                    case SUCCEEDED, FAILED -> {
                        return outcome(c);
                    }
                }
            }
        } catch (Lost e) {
            return journal.load(c.id, me).map(this::outcome).orElseThrow();
        } finally {
            driving.remove(row.id());
        }
    }

    /** Records the success with the component's own change in one transaction; false if it must wait. */
    private boolean succeed(Cursor c, Steps<S> definition, long me, boolean inline) {
        Phase next = definition.thens().isEmpty() ? Phase.SUCCEEDED : Phase.COMPLETING;
        Journal.Change change = c.change(c.state, next, 0, 0, Optional.empty(), next == Phase.SUCCEEDED ? 0 : me, Duration.ZERO);
        boolean recorded;
        try {
            recorded = store.transaction(t -> {
                if (!journal.record(t, change)) {
                    return false;
                }
                if (definition.onSuccess().isPresent()) {
                    definition.onSuccess().get().record(t, c.state);
                }
                return true;
            });
        } catch (RuntimeException e) {
            return retry(c, "recording the success", e, inline);
        }
        if (!recorded) {
            throw new Lost();
        }
        c.moved(c.state, change);
        return true;
    }

    /** Records the failure with the component's own change in one transaction; false if it must wait. */
    private boolean fail(Cursor c, Steps<S> definition, boolean inline) {
        Failure failure = c.failure.orElseThrow();
        Journal.Change change = c.change(c.state, Phase.FAILED, -1, 0, c.failure, 0, Duration.ZERO);
        boolean recorded;
        try {
            recorded = store.transaction(t -> {
                if (!journal.record(t, change)) {
                    return false;
                }
                if (definition.onFailure().isPresent()) {
                    definition.onFailure().get().record(t, c.state, failure);
                }
                return true;
            });
        } catch (RuntimeException e) {
            return retry(c, "recording the failure", e, inline);
        }
        if (!recorded) {
            throw new Lost();
        }
        c.moved(c.state, change);
        return true;
    }

    /**
     * Runs the steps after success from the cursor's step on. They may run again after a crash
     * (the contract says at least once), so progress is recorded only when one must wait.
     *
     * @return true when all ran and the saga is recorded as succeeded, false if one waits for a retry
     */
    private boolean complete(Cursor c, Steps<S> definition, boolean inline) {
        while (c.step < definition.thens().size()) {
            Named<Then<S>> then = definition.thens().get(c.step);
            try {
                timed(() -> {
                    then.step().run(c.state);
                    return null;
                });
            } catch (Exception e) {
                if (permanent(e)) {
                    LOG.log(System.Logger.Level.ERROR, what(c) + ": step " + then.name() + " after success failed for good ("
                            + message(e) + "); skipping it", e);
                } else {
                    if (!retry(c, "step " + then.name() + " after success", e, inline)) {
                        return false;
                    }
                    continue;
                }
            }
            c.advance(c.state, c.step + 1);
        }
        c.record(c.state, Phase.SUCCEEDED, c.step, 0, Optional.empty(), 0, Duration.ZERO);
        return true;
    }

    /**
     * After a transient failure: tries again here when the run is the caller's and it has tries
     * and time left, else records the attempt, releases the saga and schedules its retry.
     *
     * @return true to try again now, false if the saga was left for a later retry
     */
    private boolean retry(Cursor c, String what, Exception e, boolean inline) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        int attempts = c.attempts + 1;
        Duration pause = settings.backoff(attempts);
        if (attempts == 1 || attempts % 10 == 0) {
            LOG.log(System.Logger.Level.WARNING, what(c) + ": " + what + " failed (attempt " + attempts + "): " + message(e)
                    + "; retrying");
        }
        boolean timeLeft = CallContext.current().remainingNanos() > pause.toNanos();
        if (inline && !stopping && c.triesHere + 1 < settings.inlineAttempts() && timeLeft && !Thread.currentThread().isInterrupted()) {
            c.triesHere++;
            c.attempts = attempts;
            sleep(pause);
            return true;
        }
        c.record(c.state, c.phase, c.step, attempts, c.failure, 0, pause);
        return false;
    }

    private <T> T timed(java.util.concurrent.Callable<T> work) throws Exception {
        return CallContext.withDeadline(settings.stepTimeout(), work);
    }

    /** Checked exceptions are a component's business failures; anything else may pass when retried. */
    private static boolean permanent(Exception e) {
        return !(e instanceof RuntimeException) && !(e instanceof InterruptedException);
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private String what(Cursor c) {
        return "component " + component + ": saga " + steps.name() + " " + c.id;
    }

    private Outcome<S> outcome(Cursor c) {
        return outcome(c.phase, c.state, c.failure);
    }

    private Outcome<S> outcome(Row row) {
        return outcome(row.phase(), decode(row.state()), row.failure());
    }

    private Outcome<S> outcome(Phase phase, S state, Optional<Failure> failure) {
        return switch (phase) {
            case SUCCEEDED, COMPLETING -> new Outcome.Succeeded<>(state);
            case FAILED -> new Outcome.Failed<>(state, failure.orElseThrow());
            case FORWARD -> new Outcome.Running<>(state, false);
            case COMPENSATING -> new Outcome.Running<>(state, true);
        };
    }

    private static Row claimed(Row row) {
        return new Row(row.id(), row.state(), row.phase(), row.step(), row.attempts(), row.failure(), row.owner(),
                row.version() + 1, true, row.untilDeadline());
    }

    private byte[] encode(S state) {
        Writer out = new Writer(256);
        codec.write(out, state);
        return out.toByteArray();
    }

    private S decode(byte[] bytes) {
        return codec.read(new Reader(bytes));
    }

    // ---- recovery -----------------------------------------------------------------------------

    /** Begins resuming sagas once the component has started. */
    @Override
    public void start() {
        if (steps == null) {
            throw new StartupException("component " + component + ": the saga of constructor parameter \"" + parameter
                    + "\" was never defined; call define(Saga.steps(...)...) in the constructor");
        }
        live();
        synchronized (stopLock) {
            recovery = Thread.ofPlatform().daemon().name("cleave-saga-" + component + "-" + steps.name()).start(this::recover);
        }
    }

    private void recover() {
        boolean failing = false;
        while (!stopping) {
            try {
                liveness.check();
                long me = liveness.key();
                journal.renew(me, Set.copyOf(driving), settings.lease());
                for (Row row : journal.due(me, RECOVERY_BATCH)) {
                    if (stopping || !recoverySlots.tryAcquire()) {
                        break;
                    }
                    if (!driving.add(row.id())) {
                        recoverySlots.release();
                        continue;
                    }
                    Thread.ofVirtual().name("cleave-saga-" + row.id()).start(() -> {
                        try {
                            if (row.owner() == me || journal.claim(row, me, settings.lease())) {
                                Row mine = row.owner() == me ? row : claimed(row);
                                LOG.log(System.Logger.Level.DEBUG, () -> "component " + component + ": resuming saga "
                                        + steps.name() + " " + row.id());
                                drive(mine, false);
                            } else {
                                driving.remove(row.id());
                            }
                        } catch (RuntimeException e) {
                            driving.remove(row.id());
                            LOG.log(System.Logger.Level.WARNING, "component " + component + ": resuming saga " + steps.name()
                                    + " " + row.id() + " failed: " + message(e));
                        } finally {
                            recoverySlots.release();
                        }
                    });
                }
                failing = false;
            } catch (SQLException | RuntimeException e) {
                if (!failing) {
                    LOG.log(System.Logger.Level.WARNING, "component " + component + ": cannot look for sagas to resume: "
                            + message(e) + "; trying again every " + settings.recoveryInterval());
                }
                failing = true;
            }
            synchronized (stopLock) {
                if (stopping) {
                    return;
                }
                try {
                    stopLock.wait(settings.recoveryInterval().toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Stops resuming sagas and hands those running here to the component's other processes:
     * each releases its saga at its next step, within the step timeout.
     */
    @Override
    public void stop() throws InterruptedException {
        Thread thread;
        synchronized (stopLock) {
            stopping = true;
            stopLock.notifyAll();
            thread = recovery;
        }
        if (thread != null) {
            thread.join(settings.stepTimeout().toMillis());
        }
        long until = System.nanoTime() + settings.stepTimeout().toNanos();
        while (!driving.isEmpty() && System.nanoTime() - until < 0) {
            Thread.sleep(10);
        }
        liveness.close();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Saga[" + component + ", " + (steps == null ? parameter : steps.name()) + "]";
    }
}
