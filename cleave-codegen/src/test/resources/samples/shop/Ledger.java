package shop;

import io.cleave.Component;

@Component
public interface Ledger {
    long balance(String account);
}
