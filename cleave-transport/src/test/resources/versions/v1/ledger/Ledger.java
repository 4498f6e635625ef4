package ledger;

import io.cleave.Component;

/** The first build of a component. */
@Component
public interface Ledger {
    String credit(String account, long cents);

    String debit(String account, long cents);

    long calls();
}
