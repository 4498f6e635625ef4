package io.cleave.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cleave.App;
import io.cleave.BulkheadFullException;
import io.cleave.CircuitOpenException;
import io.cleave.Cleave;
import io.cleave.ComponentUnavailableException;
import io.cleave.StartupException;
import io.cleave.resilience.app.Ledger;
import io.cleave.resilience.app.LedgerImpl;
import io.cleave.resilience.app.OverdrawnException;
import io.cleave.resilience.app.Script;
import io.cleave.resilience.app.Script.Mode;
import io.cleave.resilience.app.Warehouse;
import io.cleave.resilience.app.WarehouseImpl;
import io.cleave.spi.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Policies on plain calls in one process (the {@code single} deployer), through the real runtime
 * and its configuration: the components' behaviour is scripted, and what reached them is counted.
 */
class PoliciesTest {

    private final List<App> apps = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    @BeforeEach
    @AfterEach
    void reset() throws InterruptedException {
        Script.LEDGER.reset();
        Script.WAREHOUSE.reset();
        for (Thread t : threads) {
            t.join(10_000);
        }
        apps.forEach(App::close);
        apps.clear();
    }

    /** Every call encoded as if remote: each gets the default policies. */
    private App startSerialized() {
        App app = Cleave.app().configText("""
                [app]
                name = "policies"
                """).deployer("single").serializeCalls(true).start();
        apps.add(app);
        return app;
    }

    private App start(String resilience) {
        App app = Cleave.app().configText("""
                [app]
                name = "policies"
                """ + resilience).deployer("single").start();
        apps.add(app);
        return app;
    }

    @Test
    void withoutPoliciesOrFallbacksACallerGetsTheInstanceItself() {
        App app = start("");

        assertThat(app.component(Ledger.class)).isInstanceOf(LedgerImpl.class);
        assertThat(app.component(Warehouse.class)).as("it declares a fallback").isNotInstanceOf(WarehouseImpl.class);
    }

    @Test
    void aConfiguredTimeoutEndsABlockedLocalCallAndInterruptsIt() throws Exception {
        Ledger ledger = start("""
                [resilience.Ledger]
                timeout = "200ms"
                """).component(Ledger.class);
        Script.LEDGER.set(Mode.BLOCK);

        Throwable failure = catchThrowable(() -> ledger.post(5));

        assertThat(failure).isInstanceOf(ComponentUnavailableException.class)
                .hasMessage("Ledger.post: deadline exceeded waiting for the call in this process; the call was cancelled");
        Script.LEDGER.set(Mode.ANSWER);
        Await.until(Duration.ofSeconds(10), "the blocked call interrupted", () -> Script.LEDGER.interrupted.get() == 1);
    }

    @Test
    void theBreakerOpensAfterItsThresholdThenRefusesWithoutCalling() {
        Ledger ledger = start("""
                [resilience.Ledger]
                breaker-window = 4
                breaker-minimum-calls = 4
                breaker-failure-rate = 50
                breaker-open-for = "1h"
                """).component(Ledger.class);
        Script.LEDGER.set(Mode.FAIL);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> ledger.post(1)).isInstanceOf(IllegalStateException.class);
        }

        Throwable refused = catchThrowable(() -> ledger.post(1));

        assertThat(refused).isInstanceOfSatisfying(CircuitOpenException.class, e -> {
            assertThat(e.certainlyNotDelivered()).isTrue();
            assertThat(e.retryAfter()).isEqualTo(Duration.ofHours(1));
        }).hasMessageStartingWith("Ledger.post: refused without calling Ledger: its circuit breaker is OPEN (100% of the last"
                + " calls failed");
        assertThat(Script.LEDGER.calls.get()).as("calls that reached the ledger").isEqualTo(4);
    }

    @Test
    void halfOpenProbesCloseTheBreakerOnceTheCalleeRecovers() throws Exception {
        App app = start("""
                [resilience.Ledger]
                breaker-window = 4
                breaker-minimum-calls = 4
                breaker-open-for = "300ms"
                breaker-half-open-calls = 2
                """);
        Ledger ledger = app.component(Ledger.class);
        Script.LEDGER.set(Mode.FAIL);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> ledger.post(1)).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> ledger.post(1)).isInstanceOf(CircuitOpenException.class);
        Script.LEDGER.set(Mode.ANSWER);

        // refused while open; the first probes pass once it half-opens
        Await.until(Duration.ofSeconds(10), "Ledger answered through the breaker", () -> answers(ledger));
        long after = ledger.post(1);

        assertThat(after).as("the first post that reached it").isEqualTo(1);
        assertThat(breakerState(app)).contains("breaker CLOSED");
    }

    @Test
    void declaredExceptionsAreTheCalleesAnswerAndNeverOpenTheBreaker() {
        Ledger ledger = start("""
                [resilience.Ledger]
                breaker-window = 4
                breaker-minimum-calls = 4
                """).component(Ledger.class);
        Script.LEDGER.set(Mode.DECLINED);

        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> ledger.post(1)).isInstanceOf(OverdrawnException.class);
        }

        assertThat(Script.LEDGER.calls.get()).isEqualTo(10);
    }

    @Test
    void aFullBulkheadRefusesAtOnceWhileOtherComponentsAnswerAsBefore() throws Exception {
        App app = start("""
                [resilience.Ledger]
                bulkhead = 2
                """);
        Ledger ledger = app.component(Ledger.class);
        Script.LEDGER.set(Mode.BLOCK);
        Script.LEDGER.blocked = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            threads.add(Thread.ofVirtual().start(() -> catchThrowable(() -> ledger.post(1))));
        }
        assertThat(Script.LEDGER.blocked.await(10, TimeUnit.SECONDS)).isTrue();

        Throwable third = catchThrowable(() -> ledger.post(1));
        int units = app.component(Warehouse.class).units("SKU-1");

        assertThat(third).isInstanceOf(BulkheadFullException.class)
                .hasMessage("Ledger.post: refused at once: this process already has 2 calls in flight to Ledger"
                        + " ([resilience] bulkhead = 2)");
        assertThat(Script.LEDGER.calls.get()).isEqualTo(2);
        assertThat(units).isEqualTo(7);
        Script.LEDGER.set(Mode.ANSWER);
    }

    @Test
    void aFallbackAnswersWhenItsComponentCannot() {
        Warehouse warehouse = start("").component(Warehouse.class);
        Script.WAREHOUSE.set(Mode.FAIL);

        int units = warehouse.units("SKU-1");

        assertThat(units).isEqualTo(-1);
        assertThat(Script.WAREHOUSE.calls.get()).isEqualTo(1);
    }

    @Test
    void aFallbackAnswersWhileTheBreakerIsOpenWithoutCallingTheComponent() {
        Warehouse warehouse = start("""
                [resilience.Warehouse]
                breaker-window = 2
                breaker-minimum-calls = 2
                breaker-open-for = "1h"
                """).component(Warehouse.class);
        Script.WAREHOUSE.set(Mode.FAIL);
        warehouse.units("a");
        warehouse.units("b");
        Script.WAREHOUSE.set(Mode.ANSWER);

        int units = warehouse.units("c");

        assertThat(units).isEqualTo(-1);
        assertThat(Script.WAREHOUSE.calls.get()).isEqualTo(2);
    }

    @Test
    void anIdempotentCallIsRetriedAndANonIdempotentOneThatMayHaveRunIsNot() throws Exception {
        Ledger ledger = start("""
                [resilience.Ledger]
                retries = 2
                retry-backoff = "1ms"
                max-retry-backoff = "2ms"
                breaker = false
                """).component(Ledger.class);
        Script.LEDGER.set(Mode.UNAVAILABLE);

        assertThatThrownBy(ledger::balance).isInstanceOf(ComponentUnavailableException.class);
        int idempotent = Script.LEDGER.calls.getAndSet(0);
        assertThatThrownBy(() -> ledger.post(1)).isInstanceOf(ComponentUnavailableException.class);

        assertThat(idempotent).as("balance: the call and two retries").isEqualTo(3);
        assertThat(Script.LEDGER.calls.get()).as("post: the call only").isEqualTo(1);
    }

    @Test
    void theRetryBudgetCapsRetriesUnderAFailingCallee() {
        Ledger ledger = start("""
                [resilience.Ledger]
                retries = 3
                retry-budget = 0.1
                retry-backoff = "1ms"
                max-retry-backoff = "1ms"
                breaker = false
                """).component(Ledger.class);
        Script.LEDGER.set(Mode.UNAVAILABLE);

        for (int i = 0; i < 300; i++) {
            assertThatThrownBy(ledger::balance).isInstanceOf(ComponentUnavailableException.class);
        }

        int retries = Script.LEDGER.calls.get() - 300;
        assertThat(retries).as("10 saved up, then 0.1 per call: at most 40 of the 900 a plain 3 retries would make")
                .isBetween(1, 40);
    }

    @Test
    void withSerializeCallsEveryCallGetsTheDefaultPolicies() {
        App app = startSerialized();

        app.component(Ledger.class).balance();

        assertThat(app.component(Ledger.class)).isNotInstanceOf(LedgerImpl.class);
        assertThat(breakerState(app)).startsWith("retries 2 (budget 20%), breaker 50% of 20; breaker CLOSED");
    }

    @Test
    void theCallsReportedAreToTheComponentsAskedForAndToThoseCalled() {
        App app = startSerialized();

        assertThat(app.calls().keySet()).as("Teller asks for Ledger; nothing asks for Teller or Warehouse")
                .containsExactly("Ledger");
        app.component(Warehouse.class).units("sku-1");
        assertThat(app.calls().keySet()).as("and Warehouse once called").containsExactlyInAnyOrder("Ledger", "Warehouse");
        assertThat(app.calls().get("Warehouse")).contains("calls 1,");
    }

    // ---- configuration ---------------------------------------------------------------------

    @Test
    void anUnknownKeyIsRefusedNamingItsLineAndTheClosestKey() {
        assertThatThrownBy(() -> start("""
                [resilience]
                retires = 3
                """)).isInstanceOf(StartupException.class)
                .hasMessageContaining("<config text>:4: [resilience] key \"retires\" is unknown (did you mean \"retries\"?)");
    }

    @Test
    void anUnknownComponentIsRefusedWithTheClosestName() {
        assertThatThrownBy(() -> start("""
                [resilience.Ledgr]
                timeout = "1s"
                """)).isInstanceOf(StartupException.class)
                .hasMessageContaining("[resilience.Ledgr] names a component \"Ledgr\", which does not exist (did you mean \"Ledger\"?)");
    }

    @Test
    void anUnknownMethodIsRefusedWithTheClosestName() {
        assertThatThrownBy(() -> start("""
                [resilience.Ledger.pots]
                timeout = "1s"
                """)).isInstanceOf(StartupException.class)
                .hasMessageContaining("[resilience.Ledger.pots] names a method of Ledger \"pots\", which does not exist"
                        + " (did you mean \"post\"?)");
    }

    @Test
    void aBreakerKeyOnAMethodSaysWhereItBelongs() {
        assertThatThrownBy(() -> start("""
                [resilience.Ledger.post]
                bulkhead = 3
                """)).isInstanceOf(StartupException.class)
                .hasMessageContaining("[resilience.Ledger.post] bulkhead: set it in [resilience.Ledger]");
    }

    @Test
    void valuesOutOfRangeAreRefused() {
        assertThatThrownBy(() -> start("""
                [resilience]
                retry-budget = 2
                """)).isInstanceOf(StartupException.class)
                .hasMessageContaining("[resilience] retry-budget = 2.0: must be 0 to 1 (a share of calls)");
        assertThatThrownBy(() -> start("""
                [resilience.Ledger]
                breaker-window = 5
                breaker-minimum-calls = 10
                """)).isInstanceOf(StartupException.class)
                .hasMessageContaining("breaker-minimum-calls (10) is more than breaker-window (5)");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static boolean answers(Ledger ledger) {
        try {
            ledger.balance();
            return true;
        } catch (CircuitOpenException e) {
            return false;
        }
    }

    private static String breakerState(App app) {
        return app.calls().get("Ledger");
    }
}
