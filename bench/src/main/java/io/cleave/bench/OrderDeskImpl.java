package io.cleave.bench;

/** The benchmark's trivial implementation. */
public final class OrderDeskImpl implements OrderDesk {

    /** Creates the desk. */
    public OrderDeskImpl() {
    }

    @Override
    public String place(Order order) {
        return order.id().toString();
    }
}
