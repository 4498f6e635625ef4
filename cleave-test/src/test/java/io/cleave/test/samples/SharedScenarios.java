package io.cleave.test.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.test.CleaveTest;
import io.cleave.test.TestTopology;
import io.cleave.test.TopologyTest;
import io.cleave.test.app.Library;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Two classes with equal shared {@code @CleaveTest}s, and one whose overrides differ. Run by
 * CleaveExtensionTest through the JUnit Platform test kit, not by Surefire directly.
 */
public final class SharedScenarios {

    /** The App each test saw, by class and topology. */
    public static final Map<String, List<App>> APPS = new ConcurrentHashMap<>();

    private SharedScenarios() {
    }

    static void record(String owner, App app, TestTopology topology) {
        APPS.computeIfAbsent(owner + "/" + topology.name(), k -> new CopyOnWriteArrayList<>()).add(app);
    }

    @CleaveTest(config = "library.toml", set = "Library.capacity=3", topologies = "single", shared = true)
    public static class First {
        @TopologyTest
        void shelves(Library library, App app, TestTopology topology) {
            record("First", app, topology);
            library.shelve(List.of("Dune"));
            assertThat(library.shelf()).contains("Dune");
        }
    }

    @CleaveTest(config = "library.toml", set = "Library.capacity=3", topologies = "single", shared = true)
    public static class Second {
        @TopologyTest
        void seesTheSameApplication(Library library, App app, TestTopology topology) {
            record("Second", app, topology);
            assertThat(library.capacity()).isEqualTo(3);
        }
    }

    @CleaveTest(config = "library.toml", set = "Library.capacity=4", topologies = "single", shared = true)
    public static class Other {
        @TopologyTest
        void getsItsOwn(Library library, App app, TestTopology topology) {
            record("Other", app, topology);
            assertThat(library.capacity()).isEqualTo(4);
        }
    }
}
