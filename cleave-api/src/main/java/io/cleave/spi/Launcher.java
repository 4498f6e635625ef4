package io.cleave.spi;

import io.cleave.App;

/**
 * Implemented by the runtime and found with {@link java.util.ServiceLoader}.
 */
public interface Launcher {

    /**
     * Starts an application.
     *
     * @param options what the caller asked for
     * @return the running application
     * @throws io.cleave.StartupException if it cannot start; nothing is left running
     */
    App launch(AppOptions options);
}
