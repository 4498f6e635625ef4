package io.cleave.runtime.basket;

import io.cleave.Component;
import java.util.List;

@Component
public interface Basket {
    /** Adds "bonus" to the list it receives: mutating an argument, which only works in-process. */
    int fill(List<String> items);

    /** Overwrites the first byte of what it receives. */
    int stamp(byte[] data);

    String reserve(String item) throws OutOfStockException;

    /** Waits until interrupted, noting what it saw then (see {@link BasketImpl#HELD}). */
    String hold();

    /** @return the callee's remaining time in whole seconds, -1 without a deadline */
    long secondsLeft();

    /** @return that many zero bytes */
    byte[] bytes(int size);
}
