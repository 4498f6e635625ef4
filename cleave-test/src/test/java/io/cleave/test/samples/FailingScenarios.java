package io.cleave.test.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.test.CleaveTest;
import io.cleave.test.TestTopology;
import io.cleave.test.TopologyTest;

/** Run by CleaveExtensionTest through the JUnit Platform test kit: tests that fail in one topology only. */
@CleaveTest(config = "library.toml")
public class FailingScenarios {

    @TopologyTest
    void assertsItRunsInSingle(TestTopology topology) {
        assertThat(topology.name()).isEqualTo("single");
    }

    @TopologyTest
    void throwsOutsideSingle(TestTopology topology) {
        if (!topology.name().equals("single")) {
            throw new IllegalStateException("not an assertion");
        }
    }
}
