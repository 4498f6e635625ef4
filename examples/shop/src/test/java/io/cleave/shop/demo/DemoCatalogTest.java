package io.cleave.shop.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DemoCatalogTest {

    @Test
    void generatesOneThousandProductsWithUniqueIdsAndNames() {
        List<DemoCatalog.DemoProduct> products = DemoCatalog.products();

        assertThat(products).hasSize(DemoCatalog.SIZE);
        assertThat(products).extracting(DemoCatalog.DemoProduct::id).doesNotHaveDuplicates().startsWith("SKU-00001");
        assertThat(products).extracting(DemoCatalog.DemoProduct::name).doesNotHaveDuplicates();
    }

    @Test
    void isTheSameOnEveryStartBecauseTheSeedIsFixed() {
        DemoCatalog.DemoProduct first = DemoCatalog.products().get(0);

        assertThat(first.name()).isEqualTo("Classic Olive Chef's Knife");
        assertThat(first.price()).isEqualByComparingTo("13.99");
    }

    @Test
    void leavesSomeProductsOutOfStockAndPricesEveryOne() {
        List<DemoCatalog.DemoProduct> products = DemoCatalog.products();

        assertThat(products).filteredOn(p -> p.initialStock() == 0).isNotEmpty();
        assertThat(products).filteredOn(p -> p.initialStock() > 0).hasSizeGreaterThan(DemoCatalog.SIZE * 8 / 10);
        assertThat(products).allSatisfy(p -> assertThat(p.price().scale()).isEqualTo(2));
        assertThat(products).allSatisfy(p -> assertThat(p.price().signum()).isPositive());
    }
}
