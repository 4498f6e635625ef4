package io.cleave.test.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import io.cleave.test.app.Library;
import org.junit.jupiter.api.Nested;

/** Run by CleaveExtensionTest through the JUnit Platform test kit. */
@CleaveTest(config = "library.toml", set = "Library.capacity=3", topologies = "single")
public class NestedScenarios {

    @TopologyTest
    void outerClassHasItsSettings(Library library) {
        assertThat(library.capacity()).isEqualTo(3);
    }

    /** Settings of its own: its own application. */
    @Nested
    @CleaveTest(config = "library.toml", set = "Library.capacity=9", topologies = "single")
    class WithOwnSettings {

        @TopologyTest
        void nestedClassHasItsOwnSettings(Library library) {
            assertThat(library.capacity()).isEqualTo(9);
        }
    }
}
