package io.cleave.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.CircuitOpenException;
import io.cleave.ComponentUnavailableException;
import io.cleave.resilience.app.Ledger_Cleave;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An open breaker and the news that its component answers again: the invoker under the policies
 * says whether a replica began to answer since a time (the transport knows it from its
 * connections); the breaker, open for an hour here, lets probes through on that news alone.
 */
class AnsweredAgainTest {

    private static final MethodDescriptor POST = Ledger_Cleave.DESCRIPTOR.methods().get(0);

    /** A component reached over the wire: it fails or answers, and says when a replica last came back. */
    private static final class Remote implements Invoker {
        volatile boolean failing = true;
        volatile long cameBackAt;
        volatile boolean cameBack;
        final AtomicInteger reached = new AtomicInteger();

        @Override
        public Object invoke(MethodDescriptor method, Object[] arguments) {
            reached.incrementAndGet();
            if (failing) {
                throw new ComponentUnavailableException("Ledger.post: connection refused", true);
            }
            return 7L;
        }

        @Override
        public boolean answeredAgainSince(long nanoTime) {
            return cameBack && cameBackAt - nanoTime > 0;
        }

        void comesBack() {
            cameBackAt = System.nanoTime();
            cameBack = true;
            failing = false;
        }
    }

    /** Breaker of 4 calls, open for an hour, closed by 2 probes; no retries. */
    private static final Policy POLICY = new Policy(Optional.empty(), 0, 0.2, Duration.ofMillis(10), Duration.ofMillis(500),
            true, 50, Optional.empty(), 100, 4, 4, Duration.ofHours(1), 2, 0);

    private static PolicyInvoker policies(Edge edge, Remote remote) {
        Policy[] methods = new Policy[Ledger_Cleave.DESCRIPTOR.methods().size()];
        Arrays.fill(methods, POLICY);
        return new PolicyInvoker(edge, remote, methods);
    }

    private static PolicyInvoker policies(Remote remote) {
        return policies(new Edge("Ledger", POLICY, true), remote);
    }

    private static void openTheBreaker(PolicyInvoker policies) {
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> policies.invoke(POST, new Object[] {1L})).isInstanceOf(ComponentUnavailableException.class)
                    .isNotInstanceOf(CircuitOpenException.class);
        }
        assertThatThrownBy(() -> policies.invoke(POST, new Object[] {1L})).isInstanceOf(CircuitOpenException.class);
    }

    @Test
    void aReplicaThatAnswersAgainLetsTheOpenBreakerProbeBeforeItsTime() throws Exception {
        Remote remote = new Remote();
        Edge edge = new Edge("Ledger", POLICY, true);
        PolicyInvoker policies = policies(edge, remote);
        openTheBreaker(policies);
        int beforeComeback = remote.reached.get();

        remote.comesBack();
        Object first = policies.invoke(POST, new Object[] {1L});
        Object second = policies.invoke(POST, new Object[] {1L});
        Object third = policies.invoke(POST, new Object[] {1L});

        assertThat(beforeComeback).as("calls that reached the component before it came back").isEqualTo(4);
        assertThat(first).isEqualTo(7L);
        assertThat(second).isEqualTo(7L);
        assertThat(third).as("after two probes succeeded the breaker is closed").isEqualTo(7L);
        assertThat(edge.breaker.orElseThrow().getState().name()).isEqualTo("CLOSED");
    }

    @Test
    void newsFromBeforeTheBreakerOpenedIsNoNews() {
        Remote remote = new Remote();
        PolicyInvoker policies = policies(remote);
        remote.cameBackAt = System.nanoTime();
        remote.cameBack = true; // came back once, then failed again: the breaker opens after this
        openTheBreaker(policies);

        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> policies.invoke(POST, new Object[] {1L})).isInstanceOf(CircuitOpenException.class);
        }
        assertThat(remote.reached.get()).as("calls that reached the component").isEqualTo(4);
    }

    @Test
    void probesThatFailOpenItAgainUntilTheNextNews() throws Exception {
        Remote remote = new Remote();
        PolicyInvoker policies = policies(remote);
        openTheBreaker(policies);

        remote.cameBackAt = System.nanoTime();
        remote.cameBack = true; // answered a ping, then failed the calls
        assertThatThrownBy(() -> policies.invoke(POST, new Object[] {1L})).as("the first probe")
                .isInstanceOf(ComponentUnavailableException.class).isNotInstanceOf(CircuitOpenException.class);
        assertThatThrownBy(() -> policies.invoke(POST, new Object[] {1L})).as("the second probe")
                .isInstanceOf(ComponentUnavailableException.class).isNotInstanceOf(CircuitOpenException.class);
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> policies.invoke(POST, new Object[] {1L})).isInstanceOf(CircuitOpenException.class);
        }
        int reached = remote.reached.get();
        remote.comesBack();
        Object answer = policies.invoke(POST, new Object[] {1L});

        assertThat(reached).as("four calls, then two probes").isEqualTo(6);
        assertThat(answer).isEqualTo(7L);
    }
}
