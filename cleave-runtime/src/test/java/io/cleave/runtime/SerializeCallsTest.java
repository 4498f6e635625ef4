package io.cleave.runtime;

import static io.cleave.runtime.Launches.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cleave.App;
import io.cleave.CallContext;
import io.cleave.ComponentUnavailableException;
import io.cleave.MessageTooLargeException;
import io.cleave.RemoteFailureException;
import io.cleave.runtime.basket.Basket;
import io.cleave.runtime.basket.BasketImpl;
import io.cleave.runtime.basket.OutOfStockException;
import io.cleave.runtime.shop.Checkout;
import io.cleave.runtime.shop.Journal;
import io.cleave.spi.Invoker;
import io.cleave.spi.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SerializeCallsTest {

    private static final String APP = """
            [app]
            name = "basket"
            """;

    private final LaunchContext baskets = LaunchContext.of(new io.cleave.runtime.basket.Cleave_Registry());

    private App app(boolean serialized) {
        return start(baskets, serialized ? Launches.serialized(APP) : Launches.text(APP));
    }

    @Test
    void plainCallsShareTheCallersList() {
        List<String> items = new ArrayList<>(List.of("tea"));
        try (App app = app(false)) {

            int size = app.component(Basket.class).fill(items);

            assertThat(size).isEqualTo(2);
            assertThat(items).containsExactly("tea", "bonus");
        }
    }

    @Test
    void serializedCallsHandTheCalleeACopySoTheCallersListIsUnchanged() {
        List<String> items = new ArrayList<>(List.of("tea"));
        try (App app = app(true)) {

            // The callee's copy is read-only, as it would be after a network hop: mutating it fails.
            RemoteFailureException e = catchThrowableOfType(RemoteFailureException.class,
                    () -> app.component(Basket.class).fill(items));

            assertThat(e.remoteType()).isEqualTo(UnsupportedOperationException.class.getName());
            assertThat(items).containsExactly("tea");
        }
    }

    @Test
    void plainCallsShareTheCallersArray() {
        byte[] data = {1, 2, 3};
        try (App app = app(false)) {

            app.component(Basket.class).stamp(data);

            assertThat(data).containsExactly(42, 2, 3);
        }
    }

    @Test
    void serializedCallsHandTheCalleeACopyOfArrays() {
        byte[] data = {1, 2, 3};
        try (App app = app(true)) {

            int length = app.component(Basket.class).stamp(data);

            assertThat(length).isEqualTo(3);
            assertThat(data).containsExactly(1, 2, 3);
        }
    }

    @Test
    void callersGetAStubNotTheImplementation() {
        try (App app = app(true)) {

            assertThat(app.component(Basket.class)).isNotInstanceOf(BasketImpl.class);
        }
    }

    @ParameterizedTest(name = "serialized={0}")
    @ValueSource(booleans = {false, true})
    void declaredCheckedExceptionArrivesAsItsOwnType(boolean serialized) {
        try (App app = app(serialized)) {

            assertThatThrownBy(() -> app.component(Basket.class).reserve("gold"))
                    .isExactlyInstanceOf(OutOfStockException.class)
                    .hasMessage("gold is sold out");
        }
    }

    @Test
    void undeclaredFailureArrivesAsRemoteFailureNamingComponentAndMethod() {
        try (App app = app(true)) {

            RemoteFailureException e = catchThrowableOfType(RemoteFailureException.class,
                    () -> app.component(Basket.class).reserve("glitch"));

            assertThat(e.component()).isEqualTo("Basket");
            assertThat(e.method()).isEqualTo("reserve");
            assertThat(e.remoteType()).isEqualTo(IllegalStateException.class.getName());
            assertThat(e).hasMessage("Basket.reserve failed on local: java.lang.IllegalStateException: shelf index corrupt");
        }
    }

    @Test
    void plainSingleCallsTheImplementationItselfAndChecksNothing() {
        try (App app = app(false)) {

            assertThat(app.component(Basket.class)).isInstanceOf(BasketImpl.class);
            assertThatThrownBy(() -> app.component(Basket.class).reserve("glitch"))
                    .isExactlyInstanceOf(IllegalStateException.class).hasMessage("shelf index corrupt");
        }
    }

    @Test
    void aNullListArgumentIsRefusedNamingTheParameter() {
        try (App app = app(true)) {

            assertThatThrownBy(() -> app.component(Basket.class).fill(null))
                    .isExactlyInstanceOf(NullPointerException.class)
                    .hasMessage("Basket.fill: argument \"items\" is null; a collection or Optional crossing a component"
                            + " boundary cannot be null (it would arrive empty): pass an empty one");
        }
    }

    @Test
    void aListArgumentHoldingNullIsRefusedNamingTheParameter() {
        List<String> items = new ArrayList<>(java.util.Arrays.asList("tea", null));
        try (App app = app(true)) {

            assertThatThrownBy(() -> app.component(Basket.class).fill(items))
                    .isExactlyInstanceOf(NullPointerException.class)
                    .hasMessage("Basket.fill: argument \"items\" holds null at [1], which a component boundary cannot"
                            + " carry: a collection or Optional cannot be null (it would arrive empty) and a collection"
                            + " cannot hold null");
            assertThat(items).as("the callee did not run").containsExactly("tea", null);
        }
    }

    @Test
    void aSerializedCallStillRunningAtItsDeadlineFailsThenAndItsCalleeIsCancelledAndInterrupted() throws Exception {
        try (App app = app(true)) {
            Basket basket = app.component(Basket.class);

            ComponentUnavailableException e = catchThrowableOfType(ComponentUnavailableException.class,
                    () -> CallContext.withDeadline(Duration.ofMillis(200), basket::hold));

            assertThat(e).hasMessage("Basket.hold: deadline exceeded waiting for local; the call was cancelled");
            assertThat(e.certainlyNotDelivered()).isFalse();
            assertThat(BasketImpl.HELD.get(10, TimeUnit.SECONDS)).as("its context was cancelled").isTrue();
        }
    }

    @Test
    void aSerializedCalleeRunsWithTheDefaultDeadlineWhenItsCallerHasNone() {
        try (App app = app(true)) {

            long seconds = app.component(Basket.class).secondsLeft();

            assertThat(seconds).isBetween(0L, Invoker.DEFAULT_TIMEOUT.toSeconds());
        }
    }

    @Test
    void aSerializedReplyLargerThanAMessageMayBeArrivesAsRemoteFailure() {
        try (App app = app(true)) {

            RemoteFailureException e = catchThrowableOfType(RemoteFailureException.class,
                    () -> app.component(Basket.class).bytes(Wire.MAX_MESSAGE_BYTES));

            assertThat(e.remoteType()).isEqualTo(MessageTooLargeException.class.getName());
            assertThat(e).hasMessageEndingWith("bytes, more than the 16777216 a call between components may carry"
                    + " ([transport] max-message-bytes); the method ran and its result was dropped");
        }
    }

    @Test
    void theTransportsMessageLimitFromTheConfigHoldsSerializedCalls() {
        String config = APP + "[transport]\nmax-message-bytes = \"64KiB\"\n";
        try (App app = start(baskets, Launches.serialized(config))) {
            Basket basket = app.component(Basket.class);

            assertThatThrownBy(() -> basket.stamp(new byte[100_000]))
                    .isInstanceOfSatisfying(MessageTooLargeException.class, e -> assertThat(e.limit()).isEqualTo(65_536))
                    .hasMessageEndingWith("more than the 65536 a call between components may carry ([transport]"
                            + " max-message-bytes); it was not sent");
            assertThat(catchThrowableOfType(RemoteFailureException.class, () -> basket.bytes(100_000)))
                    .hasMessageContaining("more than the 65536 a call between components may carry");
            assertThat(basket.bytes(60_000)).hasSize(60_000);
        }
    }

    @Test
    void theTransportsDefaultTimeoutFromTheConfigIsASerializedCalleesDeadline() {
        String config = APP + "[transport]\ndefault-timeout = \"5s\"\n";
        try (App app = start(baskets, Launches.serialized(config))) {

            long seconds = app.component(Basket.class).secondsLeft();

            assertThat(seconds).as("under 5 s, not the 30 s default").isBetween(0L, 5L);
        }
    }

    @Test
    void plainCallsAreNotLimitedByWhatEncodingNeeds() {
        try (App app = app(false)) {

            assertThat(app.component(Basket.class).bytes(Wire.MAX_MESSAGE_BYTES)).hasSize(Wire.MAX_MESSAGE_BYTES);
            assertThat(app.component(Basket.class).secondsLeft()).as("the caller's own context: none").isEqualTo(-1);
        }
    }

    @Test
    void componentsWorkTogetherWithEveryCallSerialized() {
        LaunchContext shop = LaunchContext.of(new io.cleave.runtime.shop.Cleave_Registry())
                .withProviders(Launches.journalProvider(new Journal()));

        try (App app = start(shop, "[app]\nname = \"shop\"\n[single]\nserialize-calls = true\n")) {

            assertThat(app.component(Checkout.class).checkout()).isEqualTo("paid 7");
        }
    }
}
