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
 *
 * <p>Deployer {@code kafka}: {@code single} through a real Kafka broker this starts
 * ({@code cleave-kafka-broker}, in a temporary directory); the events/s argument may list several
 * rates ({@code 1000,10000}), each measured in turn with eight publisher threads on an open-loop
 * schedule (an event due every 1/rate s whatever the previous ones took), after the cost blocks.
 */
public final class EventsBench {

    private EventsBench() {
    }

    @SuppressWarnings("try") // stopBroker is there to be closed after the app
    public static void main(String[] args) throws Exception {
        String deployer = args.length > 0 ? args[0] : "single";
        int transactions = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int events = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        String rates = args.length > 3 ? args[3] : "200";
        int rate = Integer.parseInt(rates.split(",")[0]);
        Path data = Files.createTempDirectory("events-bench");
        boolean kafka = deployer.equals("kafka");
        io.cleave.kafka.broker.KafkaBroker broker = null;
        String extra = "";
        if (kafka) {
            broker = io.cleave.kafka.broker.KafkaBroker.in(data.resolve("kafka"), 0);
            broker.start();
            extra = "[events]\nkafka-bootstrap-servers = \"" + broker.bootstrapServers() + "\"\npoll-interval = \"100ms\"\n";
        }
        try (AutoCloseable stopBroker = broker == null ? () -> { } : broker::close; App app = Cleave.app().configText("""
                [app]
                name = "events-bench"
                data-dir = "%s"
                [multi]
                groups = [["Ledger"], ["Audit"]]
                """.formatted(data) + extra).deployer(kafka ? "single" : deployer).start()) {
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

            if (kafka) {
                for (String r : rates.split(",")) {
                    // the same number of events at the same rate first, so the broker's JIT and the pipeline's
                    // lanes are warm: the goal is the latency of a running system, not of its first seconds
                    System.out.print("warm-up: ");
                    latencyWithPublishers(ledger, audit, Integer.parseInt(r), events, "kafka-warm-" + r + "-");
                    latencyWithPublishers(ledger, audit, Integer.parseInt(r), events, "kafka-" + r + "-");
                }
                return;
            }
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

    /**
     * Publish-to-applied latency at a rate, from eight publisher threads on an open-loop schedule
     * over 50 keys; prints the rate the publishers reached beside the one asked for.
     */
    private static void latencyWithPublishers(Ledger ledger, Audit audit, int rate, int events, String prefix)
            throws Exception {
        long interval = 1_000_000_000L / rate;
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime() + 50_000_000L;
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                        long due = start + i * interval;
                        awaitDue(due);
                        ledger.post(prefix + (i % 50), nowMicros());
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : futures) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + 120_000_000_000L;
        List<Long> latencies = audit.latenciesMicros(prefix);
        while (latencies.size() < events && System.nanoTime() < deadline) {
            Thread.sleep(100);
            latencies = audit.latenciesMicros(prefix);
        }
        StringBuilder windows = new StringBuilder();
        for (int from = 0; from < latencies.size(); from += 1000) {
            List<Long> window = new ArrayList<>(latencies.subList(from, Math.min(latencies.size(), from + 1000)));
            Collections.sort(window);
            windows.append(windows.isEmpty() ? "" : " / ").append("%.1f".formatted(at(window, 0.99) / 1e3));
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("end-to-end latency through Kafka at %d events/s asked (%.0f/s published), %d events (%d applied):"
                + " p50 %.2f ms, p99 %.2f ms, max %.2f ms; p99 of each 1,000 applied, in order: %s ms%n", rate, events / seconds,
                events, sorted.size(), at(sorted, 0.50) / 1e3, at(sorted, 0.99) / 1e3, sorted.get(sorted.size() - 1) / 1e3, windows);
    }

    /**
     * Waits until {@code due} (System.nanoTime), sleeping all but the last 100 us and spinning
     * only that: eight publishers spinning would take the CPU the pipeline measured needs.
     */
    private static void awaitDue(long due) {
        long wait = due - System.nanoTime();
        if (wait > 200_000) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait - 100_000);
        }
        while (System.nanoTime() < due) {
            Thread.onSpinWait();
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
