package io.cleave.transport;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.Key;
import java.util.List;
import java.util.Map;

/** The component the transport tests call. */
@Component
public interface Echo {

    String echo(String text);

    Map<String, List<Long>> mirror(Map<String, List<Long>> value, byte[] bytes, int times);

    void reserve(String sku) throws OutOfStockException;

    void crash(String message);

    /** @return the callee's view of its call context: remaining deadline micros, trace id, caller */
    String context();

    /** Blocks until interrupted; reports the interrupt. */
    String block();

    @Idempotent
    String whoAmI();

    /** Not idempotent: at most once. */
    String once();

    String owner(@Key String key);

    /** @return that many bytes: a reply of any size */
    @Idempotent
    byte[] fill(int bytes);
}
