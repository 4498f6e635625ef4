package ${package};

import io.cleave.Component;

/** Greets visitors, counting their visits. */
@Component
public interface Greeter {
    String greet(String name);
}
