package io.cleave.data;

import io.cleave.spi.testing.ProviderRequest;
import io.cleave.StartupException;
import io.cleave.Store;
import java.nio.file.Path;
import java.util.Map;

/**
 * Another process opening a component's embedded store, as a second replica would:
 * {@code SharedStoreProcess <data dir> <shared> <id> <name>} inserts one item and exits 0, or
 * prints why the store did not open and exits 2.
 */
final class SharedStoreProcess {

    private SharedStoreProcess() {
    }

    public static void main(String[] args) throws Exception {
        ProviderRequest request = new ProviderRequest("Catalog", Store.class, "store",
                Map.of("data", Map.of("shared", Boolean.parseBoolean(args[1]))), Path.of(args[0]));
        Store store;
        try {
            store = (Store) new StoreProvider().provide(request).orElseThrow();
        } catch (StartupException e) {
            System.out.println(e.getMessage());
            System.exit(2);
            return;
        }
        store.run(c -> EmbeddedStoreTest.insert(c, args[2], args[3]));
        request.stop();
    }
}
