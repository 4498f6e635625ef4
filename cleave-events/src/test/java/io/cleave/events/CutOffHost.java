package io.cleave.events;

import io.cleave.App;
import io.cleave.Cleave;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test app as one process on a configured PostgreSQL, for {@link RelayCutOffTest}, run in
 * another network namespace: {@code CutOffHost <config file>} starts it, prints {@code ready},
 * and runs until its standard input ends or it is killed.
 */
final class CutOffHost {

    private CutOffHost() {
    }

    @SuppressWarnings("try") // the app runs while the body waits
    public static void main(String[] args) throws Exception {
        try (App app = Cleave.app().configText(Files.readString(Path.of(args[0]))).start()) {
            System.out.println("ready");
            while (System.in.read() >= 0) {
                // runs until the test closes its input
            }
        }
    }
}
