package ${package};

/** Greets through the Counter component, wherever it runs. */
public final class DefaultGreeter implements Greeter {
    private final Counter counter;
    private final GreeterConfig config;

    public DefaultGreeter(Counter counter, GreeterConfig config) {
        this.counter = counter;
        this.config = config;
    }

    @Override
    public String greet(String name) {
        return config.greeting() + ", " + name + "! (visit " + counter.increment(name) + ")";
    }
}
