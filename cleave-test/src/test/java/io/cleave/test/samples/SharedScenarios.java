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
 * Two classes with equal shared {@code @CleaveTest}s ({@link First}, and {@link Second} inheriting
 * its annotation), and one whose overrides differ ({@link Other}). Run by CleaveExtensionTest
 * through the JUnit Platform test kit, not by Surefire directly.
 */
public final class SharedScenarios {

    /** The App each test saw, by class and topology. */
    public static final Map<String, List<App>> APPS = new ConcurrentHashMap<>();

    private SharedScenarios() {
    }

    @CleaveTest(config = "library.toml", set = "Library.capacity=3", topologies = "single", shared = true)
    public static class First {
        @TopologyTest
        void recordsItsApplication(Library library, App app, TestTopology topology) {
            APPS.computeIfAbsent(getClass().getSimpleName() + "/" + topology.name(), k -> new CopyOnWriteArrayList<>())
                    .add(app);
            assertThat(library.capacity()).isEqualTo(capacity());
        }

        /** @return the capacity this class's overrides set */
        int capacity() {
            return 3;
        }
    }

    public static class Second extends First {
    }

    @CleaveTest(config = "library.toml", set = "Library.capacity=4", topologies = "single", shared = true)
    public static class Other extends First {
        @Override
        int capacity() {
            return 4;
        }
    }
}
