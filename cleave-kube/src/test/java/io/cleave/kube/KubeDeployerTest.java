package io.cleave.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a pod prepares before it starts its group: its own components' schemas and roles, not the whole application's. */
class KubeDeployerTest {

    @AfterEach
    void clear() {
        System.clearProperty("cleave.group");
    }

    @Test
    void aPodPreparesOnlyItsGroupsComponents() {
        System.setProperty("cleave.group", "Audit+Orders");

        Predicate<String> prepares = new KubeDeployer().prepares();

        assertThat(prepares).accepts("Audit", "Orders").rejects("Stock", "Audit+Orders", "Shopfront");
    }

    @Test
    void withoutAGroupEveryComponentIsPrepared() {
        assertThat(System.getenv("CLEAVE_GROUP")).isNull();

        assertThat(new KubeDeployer().prepares()).accepts("Audit", "Orders", "Stock");
    }
}
