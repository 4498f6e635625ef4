package io.cleave.saga;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.Saga.Outcome;
import io.cleave.Store;
import io.cleave.saga.app.Transfer;
import io.cleave.saga.app.Transfer_Codec;
import io.cleave.spi.testing.Await;
import io.cleave.spi.testing.LinkedPostgres;
import io.cleave.spi.testing.Namespaces;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process running a saga cut off from the database, not dead: its link goes down, packets
 * vanish, nothing is closed. The process ({@link SagaCutOffHost}), in a network namespace of its
 * own joined to the PostgreSQL server's by a veth pair, begins a transfer and stops inside its
 * last step; its lease is ten minutes. With the link down the server must end its liveness
 * session within seconds ({@link io.cleave.Store#session()}), so the test's own process takes the
 * saga over and finishes it long before the lease runs out; with the link back the cut-off
 * process finishes its step, and cannot record anything over what the other recorded: the
 * success is recorded once, by the process that took over. Skipped, loudly, where namespaces
 * cannot be made ({@link Namespaces}); never under CI=true.
 */
class SagaCutOffTest {

    private static final String ID = Long.toString(ProcessHandle.current().pid() % 100_000);
    private static final String NS = "clv-sg-" + ID;
    private static final String SERVER_ADDRESS = "198.18.8.1";
    private static final String HOST_ADDRESS = "198.18.8.2";
    private static final Duration HANDOVER = Duration.ofSeconds(90);
    private static final String SAGA = "cut-off-transfer";

    @TempDir
    static Path dir;
    private static LinkedPostgres postgres;
    private static BankStore bank;
    private static Store store;
    private static Process host;
    private static final List<DurableSaga<Transfer>> processes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        postgres = LinkedPostgres.startOrSkip("SagaCutOffTest", dir, NS, SERVER_ADDRESS, HOST_ADDRESS);
        Map<String, Map<String, Object>> sections = SagaCutOffHost.sections("jdbc:postgresql://127.0.0.1:" + postgres.port()
                + "/postgres");
        bank = BankStore.open(dir, sections);
        store = bank.store;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (DurableSaga<Transfer> p : processes) {
                p.stop();
            }
            if (host != null) {
                Namespaces.end(host);
            }
            if (bank != null) {
                bank.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close(); // and the namespace, with its link
            }
        }
    }

    @Test
    void aProcessCutOffFromTheDatabaseLosesItsSagaWithinSecondsAndCannotRecordOverItsSuccessor() throws Exception {
        host = new ProcessBuilder(Namespaces.java(NS, SagaCutOffHost.class, "jdbc:postgresql://" + SERVER_ADDRESS + ":"
                + postgres.port() + "/postgres", dir.resolve("host-data").toString(), SAGA))
                .redirectError(dir.resolve("host.log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
        String begun = out.readLine();
        assertThat(begun).as("the process in the namespace began its saga; its log:%n%s", hostLog()).startsWith("saga ");
        String id = begun.substring("saga ".length());
        assertThat(out.readLine()).as("its last step began; its log:%n%s", hostLog()).isEqualTo("frozen");
        assertThat(postgres.advisoryLocksOf(HOST_ADDRESS)).as("its liveness lock").isPositive();

        DurableSaga<Transfer> successor = new DurableSaga<>("Bank", "transfers", store, Transfer_Codec.INSTANCE,
                SagaCutOffHost.LONG_LEASE);
        successor.define(SagaCutOffHost.steps(SAGA, "successor", () -> { }));
        processes.add(successor);
        successor.start();
        assertThat(successor.find(id)).as("the saga, while its process is connected").get().isInstanceOf(Outcome.Running.class);

        postgres.setLink(false); // its packets now vanish; nothing is closed
        long cut = System.nanoTime();
        Await.until(HANDOVER, "the saga taken over and finished by the test's process",
                () -> successor.find(id).orElseThrow() instanceof Outcome.Succeeded,
                () -> "advisory locks of the cut-off process: " + postgres.advisoryLocksOf(HOST_ADDRESS));
        System.out.printf("saga cut off: taken over and finished %d ms after the cut (its lease: %s)%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut), SagaCutOffHost.LONG_LEASE.lease());
        int locksOfTheCutOff = postgres.advisoryLocksOf(HOST_ADDRESS);

        postgres.setLink(true);
        OutputStream in = host.getOutputStream();
        in.write("thaw\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        CompletableFuture<String> ended = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String hostOutcome = ended.get(HANDOVER.toSeconds(), TimeUnit.SECONDS);

        assertThat(locksOfTheCutOff).as("locks the server still held for the cut-off process").isZero();
        assertThat(hostOutcome).as("the cut-off process's run, after its step: the successor's outcome")
                .isEqualTo("outcome Succeeded");
        assertThat(host.isAlive()).as("the cut-off process lived through it").isTrue();
        assertThat(outcomes(id)).as("the success recorded once, by the process that took over")
                .containsExactly("SUCCEEDED debit,credit by successor");
    }

    private static String hostLog() {
        try {
            return Files.readString(dir.resolve("host.log"));
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static List<String> outcomes(String id) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select result, detail from outcome where id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(rs.getString(1) + " " + rs.getString(2));
                    }
                    return rows;
                }
            }
        });
    }
}
