package io.cleave.test.samples;

import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;

/** Run by CleaveExtensionTest through the JUnit Platform test kit. */
@CleaveTest(config = "library.toml", topologies = "multy")
public class UnknownTopologyScenarios {

    @TopologyTest
    void neverRuns() {
    }
}
