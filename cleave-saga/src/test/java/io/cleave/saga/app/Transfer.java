package io.cleave.saga.app;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of the test saga: a transfer, and the steps that changed it, in order.
 *
 * @param id the transfer's id
 * @param amount how much
 * @param trail the names of the steps that returned a new state
 */
public record Transfer(String id, long amount, List<String> trail) {

    /**
     * The state after a step.
     *
     * @param step its name
     * @return the state with the step added to the trail
     */
    public Transfer after(String step) {
        List<String> more = new ArrayList<>(trail);
        more.add(step);
        return new Transfer(id, amount, more);
    }
}
