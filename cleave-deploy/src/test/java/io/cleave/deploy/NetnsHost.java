package io.cleave.deploy;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.deploy.app.Counter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The application's host in {@link CrossHostTest}: runs the multi deployment (in the network
 * namespace it was started in), prints where Counter serves, then answers {@code COUNT key} with
 * Counter's count, through the supervisor's own stub, until {@code QUIT} or the end of its input.
 */
public final class NetnsHost {

    private NetnsHost() {
    }

    /** @param args the config file, then the state directory */
    public static void main(String[] args) throws Exception {
        try (App app = Cleave.app().config(Path.of(args[0])).start()) {
            SupervisorHandle supervisor = SupervisorHandle.find(Path.of(args[1]), Optional.empty());
            String address = supervisor.status().groups().stream().filter(g -> g.name().equals("Counter")).findFirst()
                    .orElseThrow().replicas().get(0).address().orElseThrow();
            System.out.println("ROUTE Counter " + address);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("QUIT"); line = in.readLine()) {
                if (line.startsWith("COUNT ")) {
                    System.out.println("COUNT " + app.component(Counter.class).count(line.substring(6)));
                    System.out.flush();
                }
            }
        }
    }
}
