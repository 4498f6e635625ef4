package io.cleave.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link io.cleave.Cleave.Builder} collected, handed to the {@link Launcher}.
 *
 * @param configFile the configuration file, when given
 * @param configText the configuration text, when given instead of a file
 * @param deployer the deployer overriding the configuration's, when given
 * @param overrides keys set explicitly, with the precedence of environment variables
 * @param serializeCalls whether the single deployer encodes and decodes every call
 */
public record AppOptions(Optional<Path> configFile, Optional<String> configText, Optional<String> deployer,
        Map<String, String> overrides, boolean serializeCalls) {
}
