package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.util.UUID;

/** Runs once per topology: one process, one process with every call encoded, one process per group. */
@CleaveTest(config = "cleave.toml")
class GreeterTest {

    @TopologyTest
    void countsEveryVisit(Greeter greeter) {
        String name = "Ada-" + UUID.randomUUID();

        greeter.greet(name);
        String second = greeter.greet(name);

        assertEquals("Hello, " + name + "! (visit 2)", second);
    }
}
