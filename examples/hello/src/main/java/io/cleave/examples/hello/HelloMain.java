package io.cleave.examples.hello;

import io.cleave.App;
import io.cleave.Cleave;
import java.util.List;

/** Starts the hello app embedded, greets twice, and stops. */
public final class HelloMain {

    private HelloMain() {
    }

    /**
     * Runs the example.
     *
     * @param args {@code --config=FILE} to choose another cleave.toml, {@code --deployer=multi} to split it
     * @throws UnknownVisitorException never, the visitor has a name
     */
    public static void main(String[] args) throws UnknownVisitorException {
        Cleave.Builder builder = Cleave.app();
        for (String arg : args) {
            if (arg.startsWith("--config=")) {
                builder.config(java.nio.file.Path.of(arg.substring("--config=".length())));
            } else if (arg.startsWith("--deployer=")) {
                builder.deployer(arg.substring("--deployer=".length()));
            }
        }
        try (App app = builder.start()) {
            Greeter greeter = app.component(Greeter.class);
            for (int i = 0; i < 2; i++) {
                Greeting greeting = greeter.greet(new Visitor("Ada", List.of("en")));
                System.out.println(greeting.text() + " (visit " + greeting.visits() + ")");
            }
        }
    }
}
