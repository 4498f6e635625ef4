package io.cleave.deploy.app;

import io.cleave.Lifecycle;

/** Starts, or with {@code explode = true} throws from start() every time. */
public final class TickingBomb implements Bomb, Lifecycle {

    private final BombConfig config;

    /** @param config the [Bomb] section */
    public TickingBomb(BombConfig config) {
        this.config = config;
    }

    @Override
    public void start() {
        if (config.explode()) {
            throw new IllegalStateException("boom (Bomb.explode = true)");
        }
    }

    @Override
    public String tick() {
        return "tick";
    }
}
