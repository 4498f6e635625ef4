package io.cleave.observe.app;

import io.cleave.Component;

/** Answers, refuses, fails or sleeps, as the caller asks. */
@Component
public interface Back {

    /**
     * @param text anything
     * @return the text
     */
    String echo(String text);

    /**
     * @param reason the refusal's message
     * @throws RefusedException always
     */
    void refuse(String reason) throws RefusedException;

    /**
     * @param reason the failure's message
     * @throws IllegalStateException always
     */
    void fail(String reason);

    /**
     * @param millis how long to sleep
     * @return whether it slept that long without interruption
     */
    boolean sleep(long millis);

    /**
     * @param text anything
     * @return its length, allocating nothing
     */
    int length(String text);
}
