package io.cleave.examples.hello;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }
}
