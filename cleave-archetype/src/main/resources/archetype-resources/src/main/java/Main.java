package ${package};

import io.cleave.App;
import io.cleave.Cleave;

/** java -jar target/${artifactId}.jar [--deployer=multi] */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Cleave.Builder app = Cleave.app().config(java.nio.file.Path.of("cleave.toml"));
        for (String arg : args) {
            if (arg.startsWith("--deployer=")) {
                app.deployer(arg.substring("--deployer=".length()));
            }
        }
        try (App running = app.start()) {
            Greeter greeter = running.component(Greeter.class);
            System.out.println(greeter.greet("Ada"));
            System.out.println(greeter.greet("Ada"));
        }
    }
}
