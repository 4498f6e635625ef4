package io.cleave.runtime.greet;

import io.cleave.Lifecycle;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;

public final class GreeterImpl implements Greeter, Lifecycle {
    private final GreeterConfig config;
    private final Clock clock;
    private final System.Logger log;

    public GreeterImpl(GreeterConfig config, Clock clock, System.Logger log) {
        this.config = config;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public String greet(String name) {
        return String.join(" ", Collections.nCopies(config.times(), config.greeting() + ", " + name + "!"));
    }

    @Override
    public int maxConnections() {
        return config.maxConnections();
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public void start() {
        log.log(System.Logger.Level.DEBUG, "Greeter started");
        // Standard output, not the logger: the end-to-end test reads it from a child process,
        // and java.util.logging may already be shut down when the shutdown hook stops us.
        System.out.println("Greeter started");
    }

    @Override
    public void stop() {
        System.out.println("Greeter stopped");
    }
}
