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

    /**
     * Counts a visitor whose name is {@code length} characters long, through {@link Counter}: a
     * request of any size from this process.
     *
     * @param length the name's length
     * @return the count
     */
    long countLongName(int length);
}
