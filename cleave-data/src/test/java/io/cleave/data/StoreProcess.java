package io.cleave.data;

import io.cleave.Store;
import io.cleave.spi.testing.AppPreparation;
import io.cleave.spi.testing.ProviderRequest;
import java.nio.file.Path;
import java.util.Map;

/**
 * A process using a component's store, as an application's process would, for the crash tests:
 * {@code StoreProcess own|join <data dir> <prefix> <count>}. {@code own} prepares the embedded
 * server first, as the process that deploys an application does; {@code join} only connects,
 * as a replica in another process does. Then it inserts {@code count} items
 * {@code <prefix>-0 ...}, one transaction each, printing {@code ack <id>} once each commit
 * returned, then {@code done}, and waits to be killed.
 */
final class StoreProcess {

    private StoreProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[1]);
        String prefix = args[2];
        int count = Integer.parseInt(args[3]);
        StoreProvider provider = new StoreProvider();
        if (args[0].equals("own")) {
            provider.prepare(new AppPreparation("shop", dataDir, Map.of()).need("Catalog", Store.class));
        }
        Store store = (Store) provider.provide(new ProviderRequest("Catalog", Store.class, "store", Map.of(), dataDir))
                .orElseThrow();
        System.out.println("ready");
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            store.run(c -> EmbeddedStoreTest.insert(c, id, "written before a kill"));
            System.out.println("ack " + id);
        }
        System.out.println("done");
        Thread.sleep(Long.MAX_VALUE);
    }
}
