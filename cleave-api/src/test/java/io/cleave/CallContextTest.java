package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallContextTest {

    @Test
    void outsideAnyCallThereIsNoDeadline() {
        assertThat(CallContext.current().remaining()).isEmpty();
        assertThat(CallContext.current().deadlinePassed()).isFalse();
    }

    @Test
    void nestedDeadlineNeverExtendsTheOuterOne() throws Exception {
        Duration inner = CallContext.withDeadline(Duration.ofMillis(100),
                () -> CallContext.withDeadline(Duration.ofHours(1), () -> CallContext.current().remaining().orElseThrow()));

        assertThat(inner).isLessThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    void contextIsRestoredAfterTheWork() throws Exception {
        CallContext.withDeadline(Duration.ofSeconds(1), () -> "done");

        assertThat(CallContext.current().remaining()).isEmpty();
    }

    @Test
    void keepsTraceAndCallerOfTheEnclosingContext() throws Exception {
        CallContext outer = CallContext.builder().traceId("t1").caller("cart").build();

        CallContext seen = outer.call(() -> CallContext.withDeadline(Duration.ofSeconds(1), CallContext::current));

        assertThat(seen.traceId()).contains("t1");
        assertThat(seen.caller()).contains("cart");
    }

    @Test
    void emptyContextCannotBeCancelled() {
        CallContext.current().cancel();

        assertThat(CallContext.current().cancelled()).isFalse();
    }

    @Test
    void rejectsNonPositiveTimeout() {
        assertThatThrownBy(() -> CallContext.withDeadline(Duration.ZERO, () -> 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
