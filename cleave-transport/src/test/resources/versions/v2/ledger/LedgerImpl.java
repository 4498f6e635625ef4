package ledger;

import java.util.concurrent.atomic.AtomicLong;

public final class LedgerImpl implements Ledger {
    private final AtomicLong calls = new AtomicLong();

    public LedgerImpl() {
    }

    @Override
    public String audit(String account) {
        calls.incrementAndGet();
        return "v2 audit " + account;
    }

    @Override
    public String debit(String account, long cents) {
        calls.incrementAndGet();
        return "v2 debit " + account + " " + cents;
    }

    @Override
    public String credit(String account, int cents) {
        calls.incrementAndGet();
        return "v2 credit(int) " + account + " " + cents;
    }

    @Override
    public String credit(String account, long cents) {
        calls.incrementAndGet();
        return "v2 credit " + account + " " + cents;
    }

    @Override
    public long calls() {
        return calls.get();
    }
}
