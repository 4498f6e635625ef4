package io.cleave.runtime;

import io.cleave.spi.ConfigSection;
import java.util.Arrays;

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
        Problems problems = new Problems();
        ConfigDocument document = ConfigDocument.parse("cleave.toml", toml, Overrides.none(), problems);
        return document.section(Arrays.asList(path.split("\\.", -1)));
    }
}
