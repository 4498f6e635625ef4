package io.cleave.observe.app;

import io.cleave.Component;

/** Calls {@link Back} in a known sequence, so a test knows what this process's calls to it were. */
@Component
public interface Front {

    /**
     * Calls {@link Back#echo} {@code answered} times, {@link Back#refuse} {@code refused} times
     * and {@link Back#fail} {@code failed} times, catching what they throw.
     *
     * @param answered calls that answer
     * @param refused calls that throw the declared exception
     * @param failed calls that fail
     * @return how many calls answered
     */
    int run(int answered, int refused, int failed);
}
