package io.cleave.shop;

import io.cleave.Cleave;

/**
 * Runs the shop: {@code java io.cleave.shop.ShopMain [--config=cleave.toml]}. Where the
 * components run (one process or several) is decided by the configuration file, not here.
 */
public final class ShopMain {

    private ShopMain() {
    }

    /**
     * Starts the shop and blocks until the JVM is asked to stop.
     *
     * @param args Cleave's command-line arguments ({@code --config=FILE}, {@code --set=KEY=VALUE})
     */
    public static void main(String[] args) {
        Cleave.run(args);
    }
}
