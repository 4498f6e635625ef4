package io.cleave.test.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.test.CleaveTest;
import io.cleave.test.TestSettings;
import io.cleave.test.TopologyTest;
import io.cleave.test.app.Library;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Run by CleaveExtensionTest through the JUnit Platform test kit. */
@CleaveTest(config = "library.toml", settings = SettingsScenarios.Capacity.class)
public class SettingsScenarios {

    /** Every context a settings object was asked for, and what it saw then. */
    public static final List<String> TOPOLOGIES = new CopyOnWriteArrayList<>();
    public static final List<Path> DATA_DIRECTORIES = new CopyOnWriteArrayList<>();
    public static final List<String> CLEANED_UP = new CopyOnWriteArrayList<>();

    /** Gives each topology its own capacity, computed at start. */
    public static final class Capacity implements TestSettings {
        public Capacity() {
        }

        @Override
        public Map<String, String> settings(Context context) {
            TOPOLOGIES.add(context.topology());
            DATA_DIRECTORIES.add(context.dataDirectory());
            context.closeAfter(() -> CLEANED_UP.add(context.topology()));
            return Map.of("Library.capacity", String.valueOf(context.topology().length()));
        }
    }

    @TopologyTest
    void computedSettingsApply(Library library, io.cleave.test.TestTopology topology) {
        assertThat(library.capacity()).isEqualTo(topology.name().length());
    }

    @TopologyTest
    void dataDirectoryExistsWhileTheAppRuns() {
        assertThat(DATA_DIRECTORIES).isNotEmpty().allSatisfy(d -> assertThat(Files.isDirectory(d)).isTrue());
    }
}
