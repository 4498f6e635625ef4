package io.cleave.bench;

import io.cleave.Component;

/** A component whose signature makes cleave-codegen generate {@code Order_Codec} for the benchmark. */
@Component
public interface OrderDesk {

    /**
     * Accepts an order.
     *
     * @param order the order
     * @return its id, as a string
     */
    String place(Order order);
}
