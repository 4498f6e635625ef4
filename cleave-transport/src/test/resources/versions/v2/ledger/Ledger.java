package ledger;

import io.cleave.Component;

/** The next build: a method inserted first, credit and debit swapped, an overload of credit added. */
@Component
public interface Ledger {
    String audit(String account);

    String debit(String account, long cents);

    String credit(String account, int cents);

    String credit(String account, long cents);

    long calls();
}
