package io.cleave.deploy.app;

/** Greets with the configured word and the visit count from {@link Counter}. */
public final class CountingGreeter implements Greeter {

    private final Counter counter;
    private final GreeterConfig config;

    /**
     * @param counter where visits are counted
     * @param config the [Greeter] section
     */
    public CountingGreeter(Counter counter, GreeterConfig config) {
        this.counter = counter;
        this.config = config;
    }

    @Override
    public String greet(String name) throws NamelessException {
        if (name.isBlank()) {
            throw new NamelessException("a visitor needs a name");
        }
        return config.greeting() + ", " + name + "! (visit " + counter.increment(name) + ")";
    }

    @Override
    public long countLongName(int length) {
        return counter.increment("n".repeat(length));
    }
}
