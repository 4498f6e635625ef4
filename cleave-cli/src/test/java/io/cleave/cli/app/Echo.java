package io.cleave.cli.app;

import io.cleave.Component;

/** The application {@code cleave run} starts in the CLI's tests. */
@Component
public interface Echo {

    /**
     * @param text anything
     * @return the same text
     */
    String echo(String text);
}
