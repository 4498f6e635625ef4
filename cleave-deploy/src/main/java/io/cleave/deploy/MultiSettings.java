package io.cleave.deploy;

import io.cleave.spi.ConfigSection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The supervisor's part of {@code [multi]} (the runtime reads {@code groups} and
 * {@code [multi.replicas]}).
 *
 * @param stateDirectory where each application gets a directory with the state file and the log
 * @param jvmOptions options for every child JVM, before the class path
 * @param classPath entries appended to the supervisor's own class path for children; empty for none
 * @param restartBackoff the delay before the first restart; doubled per exit within the window
 * @param maxRestartBackoff the longest delay between restarts
 * @param crashLoopRestarts exits within the window that are still restarted; one more is a crash loop
 * @param crashLoopWindow how far back exits count
 * @param startTimeout how long a replica may take from launch to ready before it is killed and restarted
 * @param drainTimeout how long a replica may take to drain and exit when stopped before it is killed
 * @param unhealthyTimeout how long a ready replica may fail health checks before it is killed and restarted
 * @param echoLogs whether children's tagged log lines also go to the supervisor's standard output
 * @param classDataSharing whether the children get a class-data archive that later children (restarts) start from
 * @param classDataDirectory where the archives go; empty for {@code <state-dir>/<app>/archives}
 * @param strictStart whether the start fails, rather than runs degraded, when a group crash-loops
 */
record MultiSettings(Path stateDirectory, List<String> jvmOptions, String classPath, Duration restartBackoff,
        Duration maxRestartBackoff, int crashLoopRestarts, Duration crashLoopWindow, Duration startTimeout,
        Duration drainTimeout, Duration unhealthyTimeout, boolean echoLogs, boolean classDataSharing, Optional<Path> classDataDirectory,
        boolean strictStart) {

    /** Small-footprint defaults: many JVMs share one machine, and most groups are small. */
    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-XX:ReservedCodeCacheSize=64m", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED");

    private static final Set<String> KEYS = Set.of("groups", "state-dir", "jvm-options", "max-heap", "class-path",
            "restart-backoff", "max-restart-backoff", "crash-loop-restarts", "crash-loop-window", "start-timeout",
            "drain-timeout", "unhealthy-timeout", "echo-logs", "class-data-sharing", "class-data-dir", "strict-start");

    MultiSettings {
        jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Reads {@code [multi]}.
     *
     * @throws ConfigSection.ConfigError naming the key at fault and what would be valid
     */
    static MultiSettings read(ConfigSection multi) {
        multi.rejectUnknown(KEYS);
        Path state = Path.of(multi.has("state-dir") ? multi.string("state-dir") : ".cleave");
        List<String> jvm = new ArrayList<>(multi.has("jvm-options") ? multi.strings("jvm-options") : DEFAULT_JVM_OPTIONS);
        if (multi.has("max-heap")) {
            String heap = multi.string("max-heap");
            if (!heap.matches("[0-9]+[kKmMgG]?")) {
                throw new ConfigSection.ConfigError("[multi] max-heap must be a size such as \"256m\" or \"1g\", got \""
                        + heap + "\"");
            }
            jvm.add("-Xmx" + heap);
        }
        MultiSettings s = new MultiSettings(state, jvm,
                multi.has("class-path") ? multi.string("class-path") : "",
                multi.positiveDuration("restart-backoff", Duration.ofMillis(200)),
                multi.positiveDuration("max-restart-backoff", Duration.ofSeconds(10)),
                multi.has("crash-loop-restarts") ? multi.int32("crash-loop-restarts") : 5,
                multi.positiveDuration("crash-loop-window", Duration.ofSeconds(60)),
                multi.positiveDuration("start-timeout", Duration.ofSeconds(60)),
                multi.positiveDuration("drain-timeout", Duration.ofSeconds(15)),
                multi.positiveDuration("unhealthy-timeout", Duration.ofSeconds(10)),
                !multi.has("echo-logs") || multi.bool("echo-logs"),
                !multi.has("class-data-sharing") || multi.bool("class-data-sharing"),
                multi.has("class-data-dir") ? Optional.of(Path.of(multi.string("class-data-dir"))) : Optional.empty(),
                multi.has("strict-start") && multi.bool("strict-start"));
        if (s.crashLoopRestarts < 0) {
            throw new ConfigSection.ConfigError("[multi] crash-loop-restarts must be 0 or more, got " + s.crashLoopRestarts);
        }
        return s;
    }

    /** The state directory of one application: {@code <state-dir>/<app>}. */
    Path applicationDirectory(String application) {
        return stateDirectory.resolve(application);
    }

    /**
     * Where the class-data archives of one application go: {@code class-data-dir}, which several
     * applications and state directories may share (an archive's name says what it depends on),
     * else {@code <state-dir>/<app>/archives}.
     */
    Path archiveDirectory(String application) {
        return classDataDirectory.orElse(applicationDirectory(application).resolve("archives"));
    }

    Optional<String> extraClassPath() {
        return classPath.isBlank() ? Optional.empty() : Optional.of(classPath);
    }
}
