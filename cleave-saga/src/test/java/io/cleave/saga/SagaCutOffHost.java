package io.cleave.saga;

import io.cleave.Saga;
import io.cleave.Store;
import io.cleave.data.StoreProvider;
import io.cleave.saga.app.Transfer;
import io.cleave.saga.app.Transfer_Codec;
import io.cleave.spi.testing.AppPreparation;
import io.cleave.spi.testing.ProviderRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * A process running one transfer saga on a configured PostgreSQL, for {@link SagaCutOffTest}, run
 * in another network namespace: {@code SagaCutOffHost <jdbc url> <data dir> <saga name>} begins a
 * saga and prints {@code saga <id>}; its last step prints {@code frozen} and waits for a
 * {@code thaw} line on standard input; when {@code run} returns it prints {@code outcome <type>}.
 * It runs until its standard input ends or it is killed.
 */
final class SagaCutOffHost {

    /** A lease nothing here outlives: only the end of this process's session hands its saga over. */
    static final SagaSettings LONG_LEASE = new SagaSettings(Duration.ofMillis(100), Duration.ofMinutes(10),
            Duration.ofMinutes(10), Duration.ofMillis(20), Duration.ofMillis(200), 3);

    private SagaCutOffHost() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[1]);
        Map<String, Map<String, Object>> sections = sections(args[0]);
        new StoreProvider().prepare(new AppPreparation("bank", dataDir, sections).need("Bank", Store.class));
        Store store = (Store) new StoreProvider().provide(new ProviderRequest("Bank", Store.class, "store", sections, dataDir))
                .orElseThrow();
        CountDownLatch thaw = new CountDownLatch(1);
        DurableSaga<Transfer> saga = new DurableSaga<>("Bank", "transfers", store, Transfer_Codec.INSTANCE, LONG_LEASE);
        saga.define(steps(args[2], "host", () -> {
            System.out.println("frozen");
            thaw.await();
        }));
        String id = UUID.randomUUID().toString();
        store.run(c -> saga.start(c, id, new Transfer(id, 100, List.of())));
        System.out.println("saga " + id);
        Thread.ofPlatform().start(() -> System.out.println("outcome " + saga.run(id).getClass().getSimpleName()));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("thaw")) {
                thaw.countDown();
            }
        }
        System.exit(0);
    }

    /** The store's configuration: the server at {@code url}, as its superuser, no role per component. */
    static Map<String, Map<String, Object>> sections(String url) {
        return Map.of("data", Map.of("url", url, "user", "postgres", "password", "", "component-roles", false));
    }

    /** What the credit step does before it credits. */
    interface Pause {
        void before() throws InterruptedException;
    }

    /**
     * The transfer: debit, then credit; the success records an outcome row naming {@code process}
     * in the transaction that records the saga's end, so a second success would fail on the key.
     */
    static Saga.Steps<Transfer> steps(String name, String process, Pause beforeCredit) {
        return Saga.<Transfer>steps(name)
                .step("debit", t -> t.after("debit"))
                .step("credit", t -> {
                    beforeCredit.before();
                    return t.after("credit");
                })
                .onSuccess((c, t) -> record(c, t.id(), String.join(",", t.trail()) + " by " + process));
    }

    private static void record(Connection c, String id, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into outcome (id, result, detail) values (?, 'SUCCEEDED', ?)")) {
            ps.setString(1, id);
            ps.setString(2, detail);
            ps.executeUpdate();
        }
    }
}
