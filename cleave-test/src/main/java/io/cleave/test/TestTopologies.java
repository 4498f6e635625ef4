package io.cleave.test;

import io.cleave.App;
import io.cleave.Cleave;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** The available topologies: the built-in ones, then those found with {@link ServiceLoader}. */
final class TestTopologies {

    static final TestTopology SINGLE = new Builtin("single", false);
    static final TestTopology SINGLE_SERIALIZED = new Builtin("single-serialized", true);

    private TestTopologies() {
    }

    static Map<String, TestTopology> available(ClassLoader loader) {
        Map<String, TestTopology> all = new LinkedHashMap<>();
        all.put(SINGLE.name(), SINGLE);
        all.put(SINGLE_SERIALIZED.name(), SINGLE_SERIALIZED);
        for (TestTopology t : ServiceLoader.load(TestTopology.class, loader)) {
            all.putIfAbsent(t.name(), t);
        }
        return all;
    }

    /**
     * The topologies a test class asked for, in the order available.
     *
     * @throws ExtensionConfigurationException naming an unknown topology
     */
    static List<TestTopology> select(String[] wanted, ClassLoader loader) {
        Map<String, TestTopology> all = available(loader);
        if (wanted.length == 0) {
            return List.copyOf(all.values());
        }
        List<TestTopology> result = new ArrayList<>();
        for (String name : wanted) {
            TestTopology t = all.get(name);
            if (t == null) {
                throw new ExtensionConfigurationException("@CleaveTest(topologies): there is no topology named \"" + name
                        + "\"; available: " + String.join(", ", all.keySet()));
            }
            if (!result.contains(t)) {
                result.add(t);
            }
        }
        return result;
    }

    private record Builtin(String name, boolean serialize) implements TestTopology {
        @Override
        public App start(Cleave.Builder builder) {
            return builder.deployer("single").serializeCalls(serialize).start();
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
