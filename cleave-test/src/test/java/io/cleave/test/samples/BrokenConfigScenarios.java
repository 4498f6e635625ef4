package io.cleave.test.samples;

import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import io.cleave.test.app.Library;

/** Run by CleaveExtensionTest through the JUnit Platform test kit. */
@CleaveTest(config = "broken.toml")
public class BrokenConfigScenarios {

    @TopologyTest
    void first(Library library) {
        library.capacity();
    }

    @TopologyTest
    void second(Library library) {
        library.capacity();
    }
}
