package shop;

import io.cleave.RuntimeService;

@RuntimeService
public interface Store {
    String describe();
}
