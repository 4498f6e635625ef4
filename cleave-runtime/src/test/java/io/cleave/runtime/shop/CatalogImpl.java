package io.cleave.runtime.shop;

public final class CatalogImpl extends Recording implements Catalog {
    public CatalogImpl(Journal journal) {
        super("Catalog", journal);
    }

    @Override
    public int price(String item) {
        return item.length();
    }
}
