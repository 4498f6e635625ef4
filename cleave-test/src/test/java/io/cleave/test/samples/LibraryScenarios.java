package io.cleave.test.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.test.CleaveTest;
import io.cleave.test.TestTopology;
import io.cleave.test.TopologyTest;
import io.cleave.test.app.Library;
import io.cleave.test.app.NotOnShelfException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;

/** Run by CleaveExtensionTest through the JUnit Platform test kit, not by Surefire directly. */
@CleaveTest(config = "library.toml", set = "Library.capacity=3")
public class LibraryScenarios {

    /** The App each test saw, by topology. */
    public static final Map<String, List<App>> APPS = new ConcurrentHashMap<>();

    @BeforeEach
    void recordTheApplication(App app, TestTopology topology) {
        APPS.computeIfAbsent(topology.name(), k -> new CopyOnWriteArrayList<>()).add(app);
    }

    @TopologyTest
    void shelvesBooks(Library library) {
        library.shelve(List.of("Dune"));

        assertThat(library.shelf()).contains("Dune");
    }

    @TopologyTest
    void takesConfigFromTheFileAndOverrides(Library library) {
        assertThat(library.capacity()).isEqualTo(3);
    }

    @TopologyTest
    void declaredExceptionsArriveAsThemselves(Library library) {
        assertThatThrownBy(() -> library.lend("Ulysses"))
                .isInstanceOf(NotOnShelfException.class)
                .hasMessage("Ulysses is not on the shelf of Central");
    }

    @TopologyTest
    void injectsTheApplication(App app) {
        assertThat(app.name()).isEqualTo("library");
    }
}
