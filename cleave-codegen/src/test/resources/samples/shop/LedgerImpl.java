package shop;

public final class LedgerImpl implements Ledger {
    final Journal<Posting> journal;

    public LedgerImpl(Journal<Posting> journal) {
        this.journal = journal;
    }

    @Override
    public long balance(String account) {
        return 0;
    }
}
