package io.cleave;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A durable saga: work that spans components, run as ordered steps whose progress is journaled
 * in the orchestrating component's own {@link Store}, so that after a crash any replica of that
 * component resumes it, forward to completion or back through the compensations, without a
 * client asking again. A component asks for one per kind of saga in its constructor, beside its
 * {@code Store}; the type argument is the saga's state, a value the annotation processor can
 * encode (a record, as a component method's parameter):
 *
 * <pre>{@code
 * public CheckoutImpl(Store store, Saga<PlaceOrder> placeOrder, Inventory inventory, Payments payments) {
 *     this.placeOrder = placeOrder;
 *     placeOrder.define(Saga.<PlaceOrder>steps("place-order")
 *             .step("reserve", o -> { inventory.reserve(o.orderId(), o.items()); return o; },
 *                     o -> inventory.release(o.orderId()))
 *             .step("charge", o -> o.charged(payments.charge(o.orderId(), o.total())),
 *                     o -> payments.refund(o.orderId()))
 *             .onSuccess((connection, o) -> markConfirmed(connection, o))
 *             .then("notify", o -> notifications.send(o.userId(), "order-confirmed:" + o.orderId(), ...))
 *             .onFailure((connection, o, failure) -> markFailed(connection, o, failure)));
 * }
 *
 * public Order placeOrder(UUID userId, UUID orderId) {
 *     store.run(c -> {
 *         insertPendingOrder(c, orderId, userId);
 *         placeOrder.start(c, orderId.toString(), new PlaceOrder(orderId, userId, ...)); // same transaction
 *     });
 *     return switch (placeOrder.run(orderId.toString())) { ... };
 * }
 * }</pre>
 *
 * <p><b>What is guaranteed.</b> A saga exists if and only if the transaction that
 * {@linkplain #start started} it committed. Each step runs at least once until it succeeds or
 * fails for good: its outcome and the new state are recorded before the next step begins, so
 * after a crash a step may run again (it is called with the saga's stable id, and must be
 * idempotent by it, as a component method marked {@code @Idempotent}), but a recorded step is
 * never repeated. Once every step succeeded, {@link Steps#onSuccess} runs in the same
 * transaction that records the success; if a step fails for good, the steps before it are
 * compensated in reverse order and {@link Steps#onFailure} runs in the transaction that records
 * the failure. The steps after {@link Steps#onSuccess} ({@link Steps#then}) run at least once
 * each after the success and are never compensated.
 *
 * <p><b>Failures.</b> A step that throws a checked exception (a component's declared business
 * exception, such as an out-of-stock error) has failed for good: the saga compensates. A step
 * that throws an unchecked exception (an unavailable component, a timeout, a database error) is
 * retried with exponential backoff until it succeeds or the saga's {@linkplain Steps#deadline
 * deadline} passes; then the saga compensates, including that step, whose effect is unknown.
 * Compensations and {@link Steps#then} steps are retried until they succeed, however long that
 * takes; they must not fail for good (a {@code then} step that throws a checked exception is
 * logged and skipped).
 *
 * <p><b>Crashes.</b> Each process that hosts the component looks for sagas whose process died
 * (known at once from the database: the dead process's session ends) or stopped answering (its
 * lease, renewed while it works, expires), or whose retry is due, and resumes them.
 *
 * @param <S> the saga's state, carried from step to step and journaled after each
 */
@RuntimeService
public interface Saga<S> {

    /**
     * Says what the saga does. Call once, in the component's constructor; sagas start and
     * resume only after the component has started.
     *
     * @param steps the steps, compensations and outcomes
     * @throws IllegalStateException if called twice
     * @throws IllegalArgumentException if the steps are empty or two have the same name
     */
    void define(Steps<S> steps);

    /**
     * Records a new saga in the caller's transaction, on a connection of the component's own
     * store: it exists, and will run, if and only if that transaction commits. Starting a saga
     * whose id exists already fails with the database's unique violation ({@code 23505}).
     *
     * @param transaction a connection inside a transaction of this component's {@link Store}
     * @param id the saga's id, unique for this kind of saga; steps should be idempotent by it
     * @param state the initial state
     * @throws SQLException if the insert fails
     */
    void start(Connection transaction, String id, S state) throws SQLException;

    /**
     * Runs the saga in this thread until it ends, and returns how it ended. When another live
     * process runs it, waits for that process instead, within the caller's deadline (its
     * {@link CallContext}, else ten seconds). When a step must wait to be retried, the saga is
     * left to the recovery of this component's processes and {@link Outcome.Running} returned.
     *
     * @param id the saga's id
     * @return the outcome: succeeded, failed after compensation, or still running
     * @throws IllegalArgumentException if no saga has that id
     * @throws IllegalStateException if the saga was not {@linkplain #define defined}
     */
    Outcome<S> run(String id);

    /**
     * How the saga stands, without running it.
     *
     * @param id the saga's id
     * @return its outcome so far, empty if no saga has that id
     */
    Optional<Outcome<S>> find(String id);

    /**
     * Starts a definition.
     *
     * @param name the saga's name in the journal; keep it when the code changes, or sagas in
     *     flight under the old name are no longer resumed
     * @param <S> the state type
     * @return a definition without steps
     */
    static <S> Steps<S> steps(String name) {
        return new Steps<>(name, List.of(), Optional.empty(), List.of(), Optional.empty(), Duration.ofSeconds(30));
    }

    /**
     * A forward step: changes something in another component and returns the new state.
     *
     * @param <S> the state type
     */
    @FunctionalInterface
    interface Action<S> {

        /**
         * Does the step.
         *
         * @param state the state after the previous step
         * @return the state for the next step
         * @throws Exception a checked exception if the step failed for good, an unchecked one
         *     if it may succeed when retried
         */
        S apply(S state) throws Exception;
    }

    /**
     * Undoes a forward step, or makes sure it has no effect if it never ran. Must be
     * idempotent: it may run more than once, and when the step's outcome was unknown.
     *
     * @param <S> the state type
     */
    @FunctionalInterface
    interface Compensation<S> {

        /**
         * Undoes the step.
         *
         * @param state the saga's state when it began compensating
         * @throws Exception if it could not, for now; it is retried
         */
        void undo(S state) throws Exception;
    }

    /**
     * A step after the saga succeeded: it runs at least once and is never compensated.
     *
     * @param <S> the state type
     */
    @FunctionalInterface
    interface Then<S> {

        /**
         * Does the step.
         *
         * @param state the final state
         * @throws Exception an unchecked exception to be retried; a checked one is logged and
         *     the step skipped
         */
        void run(S state) throws Exception;
    }

    /**
     * Records a saga's success in the component's own tables, in the transaction that records
     * it in the journal.
     *
     * @param <S> the state type
     */
    @FunctionalInterface
    interface OnSuccess<S> {

        /**
         * Records the success.
         *
         * @param transaction a connection inside the transaction
         * @param state the final state
         * @throws SQLException if a statement fails; the transaction is retried
         */
        void record(Connection transaction, S state) throws SQLException;
    }

    /**
     * Records a saga's failure in the component's own tables, after every compensation ran, in
     * the transaction that records it in the journal.
     *
     * @param <S> the state type
     */
    @FunctionalInterface
    interface OnFailure<S> {

        /**
         * Records the failure.
         *
         * @param transaction a connection inside the transaction
         * @param state the state when the saga began compensating
         * @param failure which step failed and why
         * @throws SQLException if a statement fails; the transaction is retried
         */
        void record(Connection transaction, S state, Failure failure) throws SQLException;
    }

    /**
     * Why a saga failed.
     *
     * @param step the name of the step that failed
     * @param type the exception's class name, such as {@code com.shop.OutOfStockException}
     * @param message the exception's message
     * @param permanent true if the step failed for good (a checked exception), false if it was
     *     retried until the saga's deadline
     */
    record Failure(String step, String type, String message, boolean permanent) {

        /**
         * Checks the fields.
         *
         * @throws NullPointerException if a field is null
         */
        public Failure {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(message, "message");
        }

        /**
         * Whether the step failed with this exception type.
         *
         * @param exception an exception class
         * @return true if {@link #type()} names it
         */
        public boolean is(Class<? extends Throwable> exception) {
            return type.equals(exception.getName());
        }
    }

    /**
     * How a saga stands.
     *
     * @param <S> the state type
     */
    sealed interface Outcome<S> {

        /** @return the saga's state */
        S state();

        /**
         * Every step succeeded and {@link Steps#onSuccess} was recorded; {@code then} steps may
         * still be running.
         *
         * @param state the final state
         * @param <S> the state type
         */
        record Succeeded<S>(S state) implements Outcome<S> {
        }

        /**
         * A step failed, every compensation ran, and {@link Steps#onFailure} was recorded.
         *
         * @param state the state when the saga began compensating
         * @param failure which step failed and why
         * @param <S> the state type
         */
        record Failed<S>(S state, Failure failure) implements Outcome<S> {
        }

        /**
         * Not ended yet: another process runs it, or a step waits to be retried.
         *
         * @param state the state so far
         * @param compensating true once the saga has begun undoing its steps
         * @param <S> the state type
         */
        record Running<S>(S state, boolean compensating) implements Outcome<S> {
        }
    }

    /**
     * What a saga does: an immutable definition built step by step.
     *
     * @param name the saga's name in the journal
     * @param steps the forward steps, in order
     * @param onSuccess what records the success
     * @param thens the steps after the success
     * @param onFailure what records the failure
     * @param deadline how long after its start a saga's forward steps are retried before it
     *     compensates
     * @param <S> the state type
     */
    record Steps<S>(String name, List<Step<S>> steps, Optional<OnSuccess<S>> onSuccess, List<Named<Then<S>>> thens,
            Optional<OnFailure<S>> onFailure, Duration deadline) {

        /**
         * Checks the definition.
         *
         * @throws IllegalArgumentException if the name is blank or longer than 100 characters,
         *     or the deadline is not positive
         */
        public Steps {
            if (name.isBlank() || name.length() > 100) {
                throw new IllegalArgumentException("a saga's name must be 1 to 100 characters: \"" + name + "\"");
            }
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("saga " + name + ": the deadline must be positive: " + deadline);
            }
            steps = List.copyOf(steps);
            thens = List.copyOf(thens);
        }

        /**
         * Adds a forward step with its compensation.
         *
         * @param stepName the step's name, for the journal and messages
         * @param action what the step does
         * @param compensation what undoes it
         * @return the longer definition
         */
        public Steps<S> step(String stepName, Action<S> action, Compensation<S> compensation) {
            List<Step<S>> more = new ArrayList<>(steps);
            more.add(new Step<>(stepName, action, Optional.of(compensation)));
            return new Steps<>(name, more, onSuccess, thens, onFailure, deadline);
        }

        /**
         * Adds a forward step that needs no compensation (it changes nothing that must be undone).
         *
         * @param stepName the step's name
         * @param action what the step does
         * @return the longer definition
         */
        public Steps<S> step(String stepName, Action<S> action) {
            List<Step<S>> more = new ArrayList<>(steps);
            more.add(new Step<>(stepName, action, Optional.empty()));
            return new Steps<>(name, more, onSuccess, thens, onFailure, deadline);
        }

        /**
         * Sets what records the success.
         *
         * @param record runs in the transaction that records the success
         * @return the definition with it
         */
        public Steps<S> onSuccess(OnSuccess<S> record) {
            return new Steps<>(name, steps, Optional.of(record), thens, onFailure, deadline);
        }

        /**
         * Adds a step to run after the success.
         *
         * @param stepName the step's name
         * @param then what it does
         * @return the longer definition
         */
        public Steps<S> then(String stepName, Then<S> then) {
            List<Named<Then<S>>> more = new ArrayList<>(thens);
            more.add(new Named<>(stepName, then));
            return new Steps<>(name, steps, onSuccess, more, onFailure, deadline);
        }

        /**
         * Sets what records the failure.
         *
         * @param record runs in the transaction that records the failure
         * @return the definition with it
         */
        public Steps<S> onFailure(OnFailure<S> record) {
            return new Steps<>(name, steps, onSuccess, thens, Optional.of(record), deadline);
        }

        /**
         * Sets how long after its start a saga's forward steps are retried before it
         * compensates; 30 seconds unless set.
         *
         * @param bound the deadline
         * @return the definition with it
         */
        public Steps<S> deadline(Duration bound) {
            return new Steps<>(name, steps, onSuccess, thens, onFailure, bound);
        }
    }

    /**
     * A forward step.
     *
     * @param name its name
     * @param action what it does
     * @param compensation what undoes it, if anything must
     * @param <S> the state type
     */
    record Step<S>(String name, Action<S> action, Optional<Compensation<S>> compensation) {

        /**
         * Checks the name.
         *
         * @throws IllegalArgumentException if it is blank or longer than 100 characters
         */
        public Step {
            if (name.isBlank() || name.length() > 100) {
                throw new IllegalArgumentException("a saga step's name must be 1 to 100 characters: \"" + name + "\"");
            }
        }
    }

    /**
     * A step after success, with its name.
     *
     * @param name its name
     * @param step what it does
     * @param <T> the step's type
     */
    record Named<T>(String name, T step) {

        /**
         * Checks the name.
         *
         * @throws IllegalArgumentException if it is blank or longer than 100 characters
         */
        public Named {
            if (name.isBlank() || name.length() > 100) {
                throw new IllegalArgumentException("a saga step's name must be 1 to 100 characters: \"" + name + "\"");
            }
        }
    }
}
