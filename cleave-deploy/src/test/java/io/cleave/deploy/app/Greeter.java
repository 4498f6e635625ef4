package io.cleave.deploy.app;

import io.cleave.Component;

/** Greets and counts visits through {@link Counter}. */
@Component
public interface Greeter {

    /**
     * @param name who is visiting
     * @return the greeting with the visit count
     * @throws NamelessException if the name is blank
     */
    String greet(String name) throws NamelessException;
}
