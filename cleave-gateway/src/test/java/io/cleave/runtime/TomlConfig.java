package io.cleave.runtime;

import io.cleave.spi.ConfigSection;
import java.util.Arrays;
import java.util.Map;

/**
 * The runtime's own reading of {@code cleave.toml} text, so the gateway's tests see the messages
 * (file, line, did-you-mean) a user sees. In the runtime's package because the document is
 * package-private there.
 */
public final class TomlConfig {

    private TomlConfig() {
    }

    /**
     * @param toml the file's text
     * @param path a dotted path such as {@code gateway}
     * @return the section at that path, throwing {@link ConfigSection.ConfigError} as the runtime does
     */
    public static ConfigSection section(String toml, String path) {
        return section(toml, path, Map.of());
    }

    /**
     * @param toml the file's text
     * @param path a dotted path such as {@code gateway}
     * @param sets overrides as {@code --set=KEY=VALUE} gives them, such as {@code gateway.upstreams.legacy}
     * @return the section at that path, overrides applied
     */
    public static ConfigSection section(String toml, String path, Map<String, String> sets) {
        Problems problems = new Problems();
        Overrides overrides = Overrides.of(Map.of(), sets, problems);
        ConfigDocument document = ConfigDocument.parse("cleave.toml", toml, overrides, problems);
        return document.section(Arrays.asList(path.split("\\.", -1)));
    }
}
