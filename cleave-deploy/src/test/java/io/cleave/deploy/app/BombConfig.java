package io.cleave.deploy.app;

/**
 * The [Bomb] section.
 *
 * @param explode whether start() throws
 */
public record BombConfig(boolean explode) {

    /** @return a bomb that starts */
    public static BombConfig defaults() {
        return new BombConfig(false);
    }
}
