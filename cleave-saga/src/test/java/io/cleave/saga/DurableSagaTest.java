package io.cleave.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.CallContext;
import io.cleave.Saga;
import io.cleave.Saga.Outcome;
import io.cleave.StartupException;
import io.cleave.Store;
import io.cleave.saga.app.Transfer;
import io.cleave.saga.app.Transfer_Codec;
import io.cleave.spi.testing.Await;
import java.io.Serial;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sagas journaled on a real embedded PostgreSQL server. Each {@link DurableSaga} instance stands
 * for one process hosting the component: it has its own database session, so "killing" one
 * (closing its session without letting it finish) is what another process sees after a crash.
 */
class DurableSagaTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final SagaSettings FAST = new SagaSettings(Duration.ofMillis(100), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofMillis(20), Duration.ofMillis(200), 3);

    @TempDir
    static Path dataDir;
    private static BankStore bank;
    private static Store store;

    private final List<DurableSaga<Transfer>> processes = new ArrayList<>();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final String name = "transfer-" + UUID.randomUUID();

    @BeforeAll
    static void openStore() throws Exception {
        bank = BankStore.open(dataDir, Map.of());
        store = bank.store;
    }

    @AfterAll
    static void closeStore() throws Exception {
        bank.close();
    }

    @AfterEach
    void stopProcesses() throws Exception {
        for (DurableSaga<Transfer> p : processes) {
            p.stop();
        }
    }

    // ---- the tests ---------------------------------------------------------------------------

    @Test
    void runsEveryStepInOrderRecordsTheSuccessThenRunsTheStepsAfterIt() {
        DurableSaga<Transfer> bank = process(FAST, steps());
        String id = begin(bank, 100);

        Outcome<Transfer> outcome = bank.run(id);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Succeeded.class,
                s -> assertThat(((Transfer) s.state()).trail()).containsExactly("debit", "credit"));
        assertThat(calls).containsExactly("debit " + id, "credit " + id, "notify " + id);
        assertThat(recorded(id)).isEqualTo("SUCCEEDED debit,credit");
        assertThat(bank.find(id)).get().isInstanceOf(Outcome.Succeeded.class);
    }

    @Test
    void aStepThatFailsForGoodUndoesTheStepsBeforeItInReverseOrder() {
        DurableSaga<Transfer> bank = process(FAST, steps()
                .step("limit", t -> {
                    calls.add("limit " + t.id());
                    throw new OverLimit("over the daily limit");
                }, t -> calls.add("undo limit " + t.id())));
        String id = begin(bank, 100);

        Outcome<Transfer> outcome = bank.run(id);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.failure().step()).isEqualTo("limit");
            assertThat(f.failure().is(OverLimit.class)).isTrue();
            assertThat(f.failure().permanent()).isTrue();
            assertThat(f.failure().message()).isEqualTo("over the daily limit");
        });
        assertThat(calls).containsExactly("debit " + id, "credit " + id, "limit " + id, "undo credit " + id, "undo debit " + id);
        assertThat(recorded(id)).isEqualTo("FAILED limit: over the daily limit");
    }

    @Test
    void aStepThatFailsForNowIsRetriedUntilItSucceeds() {
        AtomicInteger failuresLeft = new AtomicInteger(2);
        DurableSaga<Transfer> bank = process(FAST, Saga.<Transfer>steps(name)
                .step("flaky", t -> {
                    calls.add("flaky " + t.id());
                    if (failuresLeft.getAndDecrement() > 0) {
                        throw new IllegalStateException("bank offline");
                    }
                    return t.after("flaky");
                }, t -> calls.add("undo flaky"))
                .onSuccess((c, t) -> record(c, t.id(), "SUCCEEDED", String.join(",", t.trail()))));
        String id = begin(bank, 5);

        Outcome<Transfer> outcome = bank.run(id);

        assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
        assertThat(calls).containsExactly("flaky " + id, "flaky " + id, "flaky " + id);
    }

    @Test
    void aStepThatNeverSucceedsIsUndoneWithTheOthersOnceTheDeadlinePassed() {
        DurableSaga<Transfer> bank = process(FAST, steps()
                .step("stuck", t -> {
                    calls.add("stuck " + t.id());
                    throw new IllegalStateException("bank offline");
                }, t -> calls.add("undo stuck " + t.id()))
                .deadline(Duration.ofMillis(800)));
        bank.start();
        String id = begin(bank, 100);

        Outcome<Transfer> first = bank.run(id);
        Outcome<Transfer> last = Await.value(WAIT, "the transfer finished", () -> bank.find(id).orElseThrow(), o -> !(o instanceof Outcome.Running));

        assertThat(first).isInstanceOf(Outcome.Running.class);
        assertThat(last).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.failure().step()).isEqualTo("stuck");
            assertThat(f.failure().permanent()).isFalse();
            assertThat(f.failure().message()).isEqualTo("bank offline");
        });
        assertThat(calls.stream().filter(c -> c.startsWith("stuck")).count()).isGreaterThan(3);
        assertThat(calls.stream().filter(c -> c.startsWith("undo")).toList())
                .containsExactly("undo stuck " + id, "undo credit " + id, "undo debit " + id);
        assertThat(recorded(id)).isEqualTo("FAILED stuck: bank offline");
    }

    @Test
    void aSagaExistsOnlyIfTheTransactionThatStartedItCommitted() {
        DurableSaga<Transfer> bank = process(FAST, steps());
        String id = UUID.randomUUID().toString();

        assertThatThrownBy(() -> store.run(c -> {
            bank.start(c, id, new Transfer(id, 1, List.of()));
            throw new IllegalStateException("the order could not be written");
        })).hasMessage("the order could not be written");

        assertThat(bank.find(id)).isEmpty();
        assertThatThrownBy(() -> bank.run(id)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no saga " + name + " with id " + id);
        assertThat(calls).isEmpty();
    }

    @Test
    void anotherProcessResumesTheSagaOfAProcessThatDiedAtOnceNotWhenItsLeaseRunsOut() throws Exception {
        SagaSettings longLease = new SagaSettings(Duration.ofMillis(100), Duration.ofMinutes(10), Duration.ofSeconds(5),
                Duration.ofMillis(20), Duration.ofMillis(200), 3);
        DurableSaga<Transfer> dead = process(longLease, steps());
        String id = begin(dead, 100);
        dead.stop(); // its session ends, as when the kernel closes a killed process's sockets

        DurableSaga<Transfer> survivor = process(longLease, steps());
        survivor.start();
        Outcome<Transfer> outcome = Await.value(WAIT, "the transfer succeeded", () -> survivor.find(id).orElseThrow(), o -> o instanceof Outcome.Succeeded);

        assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
        assertThat(calls).containsExactly("debit " + id, "credit " + id, "notify " + id);
        assertThat(recorded(id)).isEqualTo("SUCCEEDED debit,credit");
    }

    @Test
    void aFrozenProcessLosesItsSagaWhenItsLeaseRunsOutAndCannotRecordAnythingAfter() throws Exception {
        CountDownLatch frozen = new CountDownLatch(1);
        CountDownLatch thaw = new CountDownLatch(1);
        AtomicInteger credits = new AtomicInteger();
        Saga.Steps<Transfer> steps = Saga.<Transfer>steps(name)
                .step("debit", t -> {
                    calls.add("debit " + t.id());
                    return t.after("debit");
                }, t -> calls.add("undo debit " + t.id()))
                .step("credit", t -> {
                    if (credits.incrementAndGet() == 1) {
                        frozen.countDown();
                        thaw.await(WAIT.toSeconds(), TimeUnit.SECONDS); // the first process freezes here
                    }
                    calls.add("credit " + t.id());
                    return t.after("credit");
                }, t -> calls.add("undo credit " + t.id()))
                .onSuccess((c, t) -> record(c, t.id(), "SUCCEEDED", String.join(",", t.trail())));
        DurableSaga<Transfer> first = process(FAST, steps);
        String id = begin(first, 100);
        Thread running = Thread.ofPlatform().start(() -> first.run(id));
        assertThat(frozen.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        DurableSaga<Transfer> second = process(FAST, steps);
        second.start();
        Outcome<Transfer> outcome = Await.value(WAIT, "the transfer succeeded", () -> second.find(id).orElseThrow(), o -> o instanceof Outcome.Succeeded);
        thaw.countDown();
        running.join(WAIT.toMillis());

        assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
        assertThat(credits.get()).as("the frozen step ran again elsewhere, as steps may").isEqualTo(2);
        assertThat(recorded(id)).as("the success was recorded once, by the process that took over")
                .isEqualTo("SUCCEEDED debit,credit");
        assertThat(calls).doesNotContain("undo debit " + id, "undo credit " + id);
    }

    @Test
    void runWaitsForTheProcessRunningTheSagaWithinTheCallersDeadline() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Saga.Steps<Transfer> steps = Saga.<Transfer>steps(name)
                .step("slow", t -> {
                    started.countDown();
                    finish.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                    return t.after("slow");
                })
                .onSuccess((c, t) -> record(c, t.id(), "SUCCEEDED", String.join(",", t.trail())));
        DurableSaga<Transfer> owner = process(FAST, steps);
        DurableSaga<Transfer> other = process(FAST, steps);
        String id = begin(owner, 1);
        Thread running = Thread.ofPlatform().start(() -> owner.run(id));
        assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        Outcome<Transfer> whileRunning = CallContext.withDeadline(Duration.ofMillis(300), () -> other.run(id));
        finish.countDown();
        Outcome<Transfer> after = other.run(id);
        running.join(WAIT.toMillis());

        assertThat(whileRunning).isInstanceOfSatisfying(Outcome.Running.class, r -> assertThat(r.compensating()).isFalse());
        assertThat(after).isInstanceOf(Outcome.Succeeded.class);
    }

    @Test
    void aStepAfterSuccessThatFailsForNowIsRetriedByRecoveryWhileTheCallerHasItsSuccess() {
        AtomicInteger failuresLeft = new AtomicInteger(5);
        DurableSaga<Transfer> bank = process(FAST, Saga.<Transfer>steps(name)
                .step("debit", t -> t.after("debit"))
                .onSuccess((c, t) -> record(c, t.id(), "SUCCEEDED", String.join(",", t.trail())))
                .then("notify", t -> {
                    calls.add("notify " + t.id());
                    if (failuresLeft.getAndDecrement() > 0) {
                        throw new IllegalStateException("mail server down");
                    }
                }));
        bank.start();
        String id = begin(bank, 1);

        Outcome<Transfer> outcome = bank.run(id);
        Await.value(WAIT, "every failure of the step used up", failuresLeft::get, left -> left < 0);
        Await.value(WAIT, "the saga succeeded", () -> phase(id), "SUCCEEDED"::equals);

        assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
        assertThat(calls).hasSize(6).allMatch(c -> c.equals("notify " + id));
    }

    @Test
    void aDefinitionIsCheckedWhenDefined() {
        DurableSaga<Transfer> bank = new DurableSaga<>("Bank", "transfers", store, Transfer_Codec.INSTANCE, FAST);

        assertThatThrownBy(bank::start).isInstanceOf(StartupException.class)
                .hasMessageContaining("component Bank: the saga of constructor parameter \"transfers\" was never defined");
        assertThatThrownBy(() -> bank.define(Saga.<Transfer>steps(name).step("a", t -> t).then("a", t -> { })))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two steps named \"a\"");
        assertThatThrownBy(() -> bank.define(Saga.steps(name))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no steps");
        assertThatThrownBy(() -> Saga.steps(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private Saga.Steps<Transfer> steps() {
        return Saga.<Transfer>steps(name)
                .step("debit", t -> {
                    calls.add("debit " + t.id());
                    return t.after("debit");
                }, t -> calls.add("undo debit " + t.id()))
                .step("credit", t -> {
                    calls.add("credit " + t.id());
                    return t.after("credit");
                }, t -> calls.add("undo credit " + t.id()))
                .onSuccess((c, t) -> record(c, t.id(), "SUCCEEDED", String.join(",", t.trail())))
                .then("notify", t -> calls.add("notify " + t.id()))
                .onFailure((c, t, f) -> record(c, t.id(), "FAILED", f.step() + ": " + f.message()));
    }

    private DurableSaga<Transfer> process(SagaSettings settings, Saga.Steps<Transfer> steps) {
        DurableSaga<Transfer> p = new DurableSaga<>("Bank", "transfers", store, Transfer_Codec.INSTANCE, settings);
        p.define(steps);
        processes.add(p);
        return p;
    }

    private static String begin(DurableSaga<Transfer> saga, long amount) {
        String id = UUID.randomUUID().toString();
        store.run(c -> saga.start(c, id, new Transfer(id, amount, List.of())));
        return id;
    }

    private static void record(java.sql.Connection c, String id, String result, String detail) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into outcome (id, result, detail) values (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, result);
            ps.setString(3, detail);
            ps.executeUpdate();
        }
    }

    /** What the saga's outcome transaction recorded; a second record would have failed on the key. */
    private static String recorded(String id) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select result, detail from outcome where id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) + " " + rs.getString(2) : "nothing";
                }
            }
        });
    }

    private String phase(String id) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select phase from cleave_saga where saga = ? and id = ?")) {
                ps.setString(1, name);
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    /** A business failure of a step. */
    static final class OverLimit extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;

        OverLimit(String message) {
            super(message);
        }
    }
}
