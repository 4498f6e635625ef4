package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.Cleave;
import io.cleave.kube.KubeManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shop's Kubernetes manifests, from {@code cleave-services.toml}, equal the committed ones in
 * {@code examples/shop/kube/} byte for byte. After an intended change, regenerate them with
 * {@code ./mvnw -pl examples/shop -am verify -Dtest=ShopKubeManifestsTest -Dsurefire.failIfNoSpecifiedTests=false -Dshop.kube.regenerate=true}
 * (or {@code cleave deploy kube --class-path <shop jar> --config cleave-services.toml --out kube})
 * and review the diff.
 */
class ShopKubeManifestsTest {

    private static final Path GOLDEN = Path.of("kube");

    @TempDir
    Path out;

    @Test
    void manifestsEqualTheCommittedOnes() throws IOException {
        boolean regenerate = Boolean.getBoolean("shop.kube.regenerate");

        List<Path> written = KubeManifests.write(Cleave.app().config(Path.of("cleave-services.toml")), regenerate ? GOLDEN : out);

        assertThat(written).extracting(p -> p.getFileName().toString()).containsExactly("shop.yaml",
                "shop-catalog-recommendations.yaml", "shop-cart.yaml", "shop-inventory.yaml", "shop-payments.yaml",
                "shop-notifications-checkout.yaml", "shop-users.yaml", "shop-storefront.yaml");
        try (Stream<Path> committed = Files.list(GOLDEN)) {
            assertThat(committed.map(p -> p.getFileName().toString()).sorted())
                    .as("files in kube/ that the manifests no longer have")
                    .containsExactlyElementsOf(written.stream().map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (Path file : written) {
            assertThat(file).as(file.getFileName() + " (regenerate with -Dshop.kube.regenerate=true if the change is intended)")
                    .hasSameTextualContentAs(GOLDEN.resolve(file.getFileName()));
        }
    }
}
