package io.cleave.events;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.events.app.Audit;
import io.cleave.events.app.Ledger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What events cost and how fast they arrive, for bench/README.md (run by {@code bench/events.sh}):
 * the time of a posting transaction that publishes an event against the same transaction without
 * it (one caller, sequential, alternating blocks), and the latency from publish to the
 * subscriber's commit, p50 and p99, at a steady rate, in {@code single} and in {@code multi} (relayed
 * over the transport). Arguments: deployer, transactions per mode, events for latency, events/s.
 */
public final class EventsBench {

    private EventsBench() {
    }

    public static void main(String[] args) throws Exception {
        String deployer = args.length > 0 ? args[0] : "single";
        int transactions = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int events = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        Path data = Files.createTempDirectory("events-bench");
        try (App app = Cleave.app().configText("""
                [app]
                name = "events-bench"
                data-dir = "%s"
                [multi]
                groups = [["Ledger"], ["Audit"]]
                """.formatted(data)).deployer(deployer).start()) {
            Ledger ledger = app.component(Ledger.class);
            Audit audit = app.component(Audit.class);

            // cost: blocks of 100 alternating, after a warm-up of both
            long with = 0;
            long without = 0;
            for (int i = 0; i < 1000; i++) {
                ledger.post("warm-" + (i % 50), 1);
                ledger.postWithoutEvent("warm-" + (i % 50), 1);
            }
            for (int block = 0; block < transactions / 100; block++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 100; i++) {
                    ledger.post("cost-" + (i % 50), 1);
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < 100; i++) {
                    ledger.postWithoutEvent("cost-" + (i % 50), 1);
                }
                long t2 = System.nanoTime();
                with += t1 - t0;
                without += t2 - t1;
            }
            int measured = transactions / 100 * 100;
            System.out.printf("deployer=%s transactions=%d per mode%n", deployer, measured);
            System.out.printf("publish in transaction: %.1f us/tx; same transaction without: %.1f us/tx; ratio %.2fx%n",
                    with / 1e3 / measured, without / 1e3 / measured, (double) with / without);

            // latency: events at a fixed rate over 50 keys, amount = publish time in epoch microseconds
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                long due = start + i * interval;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                ledger.post("latency-" + (i % 50), nowMicros());
            }
            long deadline = System.nanoTime() + 120_000_000_000L;
            List<Long> latencies = audit.latenciesMicros("latency-");
            while (latencies.size() < events && System.nanoTime() < deadline) {
                Thread.sleep(100);
                latencies = audit.latenciesMicros("latency-");
            }
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf("end-to-end latency at %d events/s, %d events (%d applied): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    rate, events, sorted.size(), at(sorted, 0.50) / 1e3, at(sorted, 0.99) / 1e3,
                    sorted.get(sorted.size() - 1) / 1e3);
        }
    }

    private static double at(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
