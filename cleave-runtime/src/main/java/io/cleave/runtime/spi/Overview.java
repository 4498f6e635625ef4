package io.cleave.runtime.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a process that deploys a whole application (the {@code multi} supervisor) can tell of all
 * its processes, for a dashboard of the running topology: their status, the credential a reader
 * must show to see it, and the consolidated log.
 *
 * @param status the status now, each time it is asked, as JSON values (maps, lists, strings,
 *     numbers): what {@code cleave status --json} prints, every replica with its pid, state,
 *     health, restarts and the {@code endpoints} its process serves
 * @param secret what a reader must present: the same secret the status port wants, kept in a state
 *     file only the user who started the application can read
 * @param log the consolidated log of every process, one line each, tagged {@code group/replica}
 */
public record Overview(Supplier<Map<String, Object>> status, String secret, Path log) {
}
