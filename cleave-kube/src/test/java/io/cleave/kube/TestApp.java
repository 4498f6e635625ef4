package io.cleave.kube;

import io.cleave.Cleave;

/** The test application: Shopfront (the edge) calls Orders, Orders calls Stock; Audit is called by nobody. */
final class TestApp {

    static final String CONFIG = """
            [app]
            name = "store"

            [listeners]
            web = "127.0.0.1:8081"

            [multi]
            groups = [["Shopfront"], ["Audit", "Orders"], ["Stock"]]
            [multi.replicas]
            Stock = 2

            [kube]
            image = "registry.example/store:1.0"
            database-secret = "store-db"

            [kube.autoscale]
            cpu-target = 60
            max = 8
            """;

    /** {@link #CONFIG} with the gateway in front of {@code web}, two replicas of it, its certificate from a Secret. */
    static final String GATEWAY_CONFIG = CONFIG.replace("[kube]\n", "[kube]\ngateway-tls-secret = \"store-edge-tls\"\n") + """

            [gateway]
            replicas = 2
            """;

    private TestApp() {
    }

    static Cleave.Builder builder(String config) {
        return Cleave.app().configText(config);
    }
}
