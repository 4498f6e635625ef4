package io.cleave.test;

import java.nio.file.Path;
import java.util.Map;

/**
 * Computes configuration overrides for one test class in one topology, for what a fixed
 * annotation cannot say: a freshly created database, a free port. Named by
 * {@link CleaveTest#settings()}; needs a public no-argument constructor.
 *
 * <pre>{@code
 * public final class FreshPostgres implements TestSettings {
 *     public Map<String, String> settings(Context context) {
 *         String url = createDatabase("shop_" + context.topology().replace('-', '_'));
 *         context.closeAfter(() -> dropDatabase(url));
 *         return Map.of("data.url", url);
 *     }
 * }
 * }</pre>
 */
public interface TestSettings {

    /**
     * Returns overrides as dotted keys and TOML values (strings may be left unquoted).
     *
     * @param context the class and topology being started
     * @return overrides applied after {@link CleaveTest#set()}
     * @throws Exception if the settings cannot be made (the topology's tests then fail with it)
     */
    Map<String, String> settings(Context context) throws Exception;

    /** What a {@link TestSettings} is computed for. */
    interface Context {

        /** @return the test class */
        Class<?> testClass();

        /** @return the topology's name, such as {@code single-serialized} */
        String topology();

        /** @return the fresh data directory this app gets (deleted after the class) */
        Path dataDirectory();

        /**
         * Registers cleanup to run after the application of this class and topology closed.
         *
         * @param resource what to close
         */
        void closeAfter(AutoCloseable resource);
    }

    /** No overrides: the default of {@link CleaveTest#settings()}. */
    final class None implements TestSettings {

        /** Creates it. */
        public None() {
        }

        @Override
        public Map<String, String> settings(Context context) {
            return Map.of();
        }
    }
}
