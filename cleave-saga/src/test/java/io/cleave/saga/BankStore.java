package io.cleave.saga;

import io.cleave.Store;
import io.cleave.data.StoreProvider;
import io.cleave.spi.testing.AppPreparation;
import io.cleave.spi.testing.ProviderRequest;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.Map;

/**
 * The Bank component's store for the saga tests, as cleave-data provides it: the embedded server
 * under {@code dir}, or the database {@code sections} name; with the saga journal and the table of
 * outcomes the tests' steps record.
 */
final class BankStore {

    final Store store;
    private final AutoCloseable prepared;
    private final ProviderRequest request;

    private BankStore(Store store, AutoCloseable prepared, ProviderRequest request) {
        this.store = store;
        this.prepared = prepared;
        this.request = request;
    }

    static BankStore open(Path dir, Map<String, Map<String, Object>> sections) throws Exception {
        AutoCloseable prepared = new StoreProvider().prepare(new AppPreparation("bank", dir, sections).need("Bank", Store.class));
        try {
            ProviderRequest request = new ProviderRequest("Bank", Store.class, "store", sections, dir);
            Store store = (Store) new StoreProvider().provide(request).orElseThrow();
            Journal.create(store);
            store.run(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("create table outcome (id varchar(200) primary key, result varchar(20) not null,"
                            + " detail varchar(500))");
                }
            });
            return new BankStore(store, prepared, request);
        } catch (Exception | Error e) {
            prepared.close();
            throw e;
        }
    }

    /** Stops the store and the server or pool behind it. */
    void close() throws Exception {
        try {
            request.stop();
        } finally {
            prepared.close();
        }
    }
}
