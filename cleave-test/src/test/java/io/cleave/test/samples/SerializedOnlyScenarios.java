package io.cleave.test.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import io.cleave.test.app.Library;
import io.cleave.test.app.LibraryImpl;

/** Run by CleaveExtensionTest through the JUnit Platform test kit. */
@CleaveTest(config = "library.toml", topologies = "single-serialized")
public class SerializedOnlyScenarios {

    @TopologyTest
    void componentIsAStub(Library library) {
        assertThat(library).isNotInstanceOf(LibraryImpl.class);
    }
}
