package io.cleave.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cleave.App;
import io.cleave.StartupException;
import io.cleave.runtime.shop.Journal;
import io.cleave.spi.AppOptions;
import io.cleave.spi.ServiceProvider;
import java.util.Map;
import java.util.Optional;

/** Starting applications in tests. */
final class Launches {

    private Launches() {
    }

    static AppOptions text(String toml) {
        return new AppOptions(Optional.empty(), Optional.of(toml), Optional.empty(), Map.of(), false);
    }

    static AppOptions text(String toml, Map<String, String> sets) {
        return new AppOptions(Optional.empty(), Optional.of(toml), Optional.empty(), sets, false);
    }

    static AppOptions serialized(String toml) {
        return new AppOptions(Optional.empty(), Optional.of(toml), Optional.empty(), Map.of(), true);
    }

    static App start(LaunchContext context, AppOptions options) {
        return new CleaveLauncher(context).launch(options);
    }

    static App start(LaunchContext context, String toml) {
        return start(context, text(toml));
    }

    static StartupException failure(LaunchContext context, AppOptions options) {
        Throwable thrown = catchThrowable(() -> start(context, options).close());
        assertThat(thrown).as("start must fail").isInstanceOf(StartupException.class);
        return (StartupException) thrown;
    }

    static StartupException failure(LaunchContext context, String toml) {
        return failure(context, text(toml));
    }

    /** Supplies the journal to every component that asks, and registers one resource per request. */
    static ServiceProvider journalProvider(Journal journal) {
        return new ServiceProvider() {
            @Override
            public Optional<?> provide(Request request) {
                if (request.type() != Journal.class) {
                    return Optional.empty();
                }
                request.closeOnStop(() -> journal.record("close resource of " + request.component()));
                return Optional.of(journal);
            }

            @Override
            public String describe() {
                return "test journal (Journal)";
            }
        };
    }
}
