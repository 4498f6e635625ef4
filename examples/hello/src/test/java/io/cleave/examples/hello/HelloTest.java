package io.cleave.examples.hello;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cleave.CallContext;
import io.cleave.ComponentUnavailableException;
import io.cleave.MessageTooLargeException;
import io.cleave.RemoteFailureException;
import io.cleave.spi.Wire;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;

/** The hello app's behaviour, run once per topology (in process, serialized, and more as they are added). */
@CleaveTest(config = "cleave.toml", set = "Greeter.greeting=Hi")
class HelloTest {

    @TopologyTest
    void greetsWithTheConfiguredWord(Greeter greeter) throws UnknownVisitorException {
        String name = unique("Ada");

        Greeting greeting = greeter.greet(new Visitor(name, List.of("en")));

        assertThat(greeting.text()).isEqualTo("Hi, " + name + "!");
    }

    @TopologyTest
    void countsEveryVisitOfTheSameVisitor(Greeter greeter, Counter counter) throws UnknownVisitorException {
        String name = unique("Grace");

        greeter.greet(new Visitor(name, List.of()));
        Greeting second = greeter.greet(new Visitor(name, List.of()));

        assertThat(second.visits()).isEqualTo(2);
        assertThat(counter.count(name)).isEqualTo(2);
    }

    @TopologyTest
    void declaredExceptionArrivesAsItself(Greeter greeter) {
        assertThatThrownBy(() -> greeter.greet(new Visitor(" ", List.of())))
                .isInstanceOf(UnknownVisitorException.class)
                .hasMessage("a visitor needs a name");
    }

    @TopologyTest
    void argumentsAreNotSharedWithTheCallee(Greeter greeter) throws UnknownVisitorException {
        List<String> languages = new ArrayList<>(List.of("en", "fr"));

        greeter.greet(new Visitor(unique("Alan"), languages));

        assertThat(languages).containsExactly("en", "fr");
    }

    @TopologyTest
    void unknownNameCountsZero(Counter counter) {
        assertThat(counter.count(unique("nobody"))).isZero();
    }

    /**
     * The rules of a call that crosses a boundary, where calls are encoded: across processes, and
     * in process with serialize-calls, which checks exactly the same (plain single hands out the
     * instances themselves and checks nothing).
     */
    @Nested
    @CleaveTest(config = "cleave.toml", topologies = {"single-serialized", "multi"})
    class WhereCallsAreEncoded {

        @TopologyTest
        void aNullListInsideAnArgumentIsRefusedBeforeTheCallNamingWhere(Greeter greeter) {
            Visitor wordless = new Visitor(unique("Ada"), null);

            // across processes it would arrive as an empty list: refused instead
            assertThatThrownBy(() -> greeter.greet(wordless))
                    .isExactlyInstanceOf(NullPointerException.class)
                    .hasMessage("Greeter.greet: argument \"visitor\" holds null at .languages, which a component boundary"
                            + " cannot carry: a collection or Optional cannot be null (it would arrive empty) and a"
                            + " collection cannot hold null");
        }

        @TopologyTest
        void aListHoldingNullIsRefusedBeforeTheCall(Greeter greeter, Counter counter) {
            String name = unique("Grace");
            Visitor visitor = new Visitor(name, Arrays.asList("en", null));

            assertThatThrownBy(() -> greeter.greet(visitor))
                    .isExactlyInstanceOf(NullPointerException.class)
                    .hasMessageStartingWith("Greeter.greet: argument \"visitor\" holds null at .languages[1], which a"
                            + " component boundary cannot carry");
            assertThat(counter.count(name)).as("the call was not made").isZero();
        }

        @TopologyTest
        void aFailureTheCalleeDoesNotDeclareArrivesAsRemoteFailure(Greeter greeter) {
            RemoteFailureException failure = catchThrowableOfType(RemoteFailureException.class, () -> greeter.greet(null));

            assertThat(failure.component()).isEqualTo("Greeter");
            assertThat(failure.method()).isEqualTo("greet");
            assertThat(failure.remoteType()).isEqualTo(NullPointerException.class.getName());
        }

        @TopologyTest
        void aCallTooLargeToCrossProcessesIsRefusedBeforeItIsMade(Greeter greeter) {
            Visitor verbose = new Visitor("x".repeat(Wire.MAX_MESSAGE_BYTES), List.of());

            assertThatThrownBy(() -> greeter.greet(verbose))
                    .isExactlyInstanceOf(MessageTooLargeException.class)
                    .hasMessageStartingWith("Greeter.greet: its arguments encode to ")
                    .hasMessageEndingWith(" bytes, more than the 16777216 a call between components may carry"
                            + " ([transport] max-message-bytes); it was not sent");
        }

        @TopologyTest
        void aCallWhoseDeadlineHasPassedIsNotMade(Counter counter) {
            String name = unique("Late");

            ComponentUnavailableException late = catchThrowableOfType(ComponentUnavailableException.class,
                    () -> CallContext.withDeadline(Duration.ofNanos(1), () -> {
                        while (!CallContext.current().deadlinePassed()) {
                            Thread.onSpinWait(); // until the one-nanosecond deadline has passed
                        }
                        return counter.increment(name);
                    }));

            assertThat(late).hasMessage("Counter.increment: deadline passed before the call");
            assertThat(late.certainlyNotDelivered()).isTrue();
            assertThat(counter.count(name)).isZero();
        }
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }
}
