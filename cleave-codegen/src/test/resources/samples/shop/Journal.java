package shop;

import io.cleave.RuntimeService;

/** A generic runtime service: the runtime stores values of its type argument. */
@RuntimeService
public interface Journal<T> {
    void append(T entry);
}
