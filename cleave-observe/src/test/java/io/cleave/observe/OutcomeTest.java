package io.cleave.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.BulkheadFullException;
import io.cleave.CircuitOpenException;
import io.cleave.ComponentUnavailableException;
import io.cleave.OverloadedException;
import io.cleave.RemoteFailureException;
import io.cleave.observe.app.RefusedException;
import io.cleave.spi.Codecs;
import io.cleave.spi.ExceptionType;
import io.cleave.spi.MethodDescriptor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each kind of error a call can end in gets its own outcome label. */
class OutcomeTest {

    private static final MethodDescriptor REFUSE = new MethodDescriptor("Back", 1, "refuse", "refuse()", false, -1, List.of(), List.of(),
            Codecs.VOID, List.of(new ExceptionType<>(RefusedException.class, RefusedException::new)));

    @Test
    void namesEveryKindOfError() {
        assertThat(Outcome.of(REFUSE, new RefusedException("no"))).isEqualTo(Outcome.DECLARED);
        assertThat(Outcome.of(REFUSE, new CircuitOpenException("open", Duration.ofSeconds(1)))).isEqualTo(Outcome.BREAKER_OPEN);
        assertThat(Outcome.of(REFUSE, new BulkheadFullException("full", Duration.ZERO))).isEqualTo(Outcome.BULKHEAD_FULL);
        assertThat(Outcome.of(REFUSE, new OverloadedException("shed", Duration.ZERO))).isEqualTo(Outcome.OVERLOADED);
        assertThat(Outcome.of(REFUSE, new ComponentUnavailableException("Back.refuse: deadline exceeded waiting for", false)))
                .isEqualTo(Outcome.TIMEOUT);
        assertThat(Outcome.of(REFUSE, new ComponentUnavailableException("Back.refuse: cannot connect to 127.0.0.1:1", true)))
                .isEqualTo(Outcome.UNAVAILABLE);
        assertThat(Outcome.of(REFUSE, new IllegalStateException("boom"))).isEqualTo(Outcome.FAILURE);
        assertThat(Outcome.BREAKER_OPEN.label).isEqualTo("breaker_open");
    }

    @Test
    void aRemoteFailureIsItsOwnKind() {
        RemoteFailureException remote = new RemoteFailureException("Back", "fail", "local", "java.lang.IllegalStateException",
                "boom");

        assertThat(Outcome.of(REFUSE, remote)).isEqualTo(Outcome.REMOTE_FAILURE);
    }
}
