package io.cleave.observe;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.util.Set;

/**
 * {@code [observe]}, checked.
 *
 * <pre>{@code
 * [observe]
 * enabled = true       # false: no meters, no admin endpoint; a local caller gets the instance itself
 * admin-port = 0       # the admin endpoint's port on 127.0.0.1; 0 picks a free one in every process
 * }</pre>
 *
 * @param enabled whether calls are measured and the admin endpoint served
 * @param adminPort the admin endpoint's port, 0 for any free one
 * @param origin where the port was set, for messages
 */
record ObserveSettings(boolean enabled, int adminPort, String origin) {

    static final String SECTION = "observe";
    static final Set<String> KEYS = Set.of("enabled", "admin-port");

    /** @throws ConfigError naming file, line and key */
    static ObserveSettings read(ConfigSection section) {
        section.rejectUnknown(KEYS);
        boolean enabled = !section.has("enabled") || section.bool("enabled");
        int port = section.has("admin-port") ? section.int32("admin-port") : 0;
        if (port < 0 || port > 65_535) {
            throw new ConfigError("[" + section.path() + "] admin-port = " + port + ": a port is 0 (any free one) to 65535");
        }
        return new ObserveSettings(enabled, port, "[" + section.path() + "] admin-port = " + port);
    }
}
