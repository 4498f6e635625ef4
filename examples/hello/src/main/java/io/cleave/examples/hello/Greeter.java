package io.cleave.examples.hello;

import io.cleave.Component;

/** Greets visitors and remembers how often each came. */
@Component
public interface Greeter {

    /**
     * Greets a visitor.
     *
     * @param visitor who is visiting
     * @return the greeting, with the visitor's visit count
     * @throws UnknownVisitorException if the visitor has no name
     */
    Greeting greet(Visitor visitor) throws UnknownVisitorException;
}
