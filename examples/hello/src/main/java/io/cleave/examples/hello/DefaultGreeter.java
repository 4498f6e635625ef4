package io.cleave.examples.hello;

import java.util.Locale;

/** Greets in the configured words and counts visits through {@link Counter}. */
final class DefaultGreeter implements Greeter {

    private final Counter counter;
    private final GreeterConfig config;

    /**
     * @param counter where visits are counted (local or remote: this class cannot tell)
     * @param config the [Greeter] section
     */
    public DefaultGreeter(Counter counter, GreeterConfig config) {
        this.counter = counter;
        this.config = config;
    }

    @Override
    public Greeting greet(Visitor visitor) throws UnknownVisitorException {
        if (visitor.name() == null || visitor.name().isBlank()) {
            throw new UnknownVisitorException("a visitor needs a name");
        }
        long visits = counter.increment(visitor.name());
        String text = config.greeting() + ", " + visitor.name() + "!";
        return new Greeting(config.shout() ? text.toUpperCase(Locale.ROOT) : text, visits);
    }
}
