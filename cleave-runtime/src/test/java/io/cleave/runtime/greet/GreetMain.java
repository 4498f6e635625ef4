package io.cleave.runtime.greet;

import io.cleave.Cleave;

/** Runs the greeter application as a real process would. */
public final class GreetMain {
    private GreetMain() {
    }

    public static void main(String[] args) {
        Cleave.run(args);
    }
}
