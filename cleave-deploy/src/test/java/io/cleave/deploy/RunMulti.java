package io.cleave.deploy;

import io.cleave.Cleave;

/** A user's main: the supervisor process of {@link SupervisorProcessTest}. */
public final class RunMulti {

    private RunMulti() {
    }

    /** @param args as for {@link Cleave#run(String...)} */
    public static void main(String[] args) {
        Cleave.run(args);
    }
}
