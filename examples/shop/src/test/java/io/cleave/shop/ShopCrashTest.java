package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.shop.inventory.Inventory;
import io.cleave.spi.testing.Await;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash harness: checkouts against the split shop while a randomly chosen process — a
 * replica of any group, or the embedded database server — is killed with {@code kill -9} at
 * random moments, repeatedly; then, once every process is back and every order has ended, the
 * invariants that tie the components' stores together are checked, along with every answer a
 * client got. Bounded: {@link #LOAD} of load, {@link #KILLS} kills, every wait with a deadline;
 * loopback only. The seed of each run is printed, so a failing run can be replayed.
 */
class ShopCrashTest {

    private static final Duration LOAD = Duration.ofSeconds(30);
    private static final int KILLS = 6;
    private static final int BUYERS = 4;
    /** Orders end (confirmed, or undone and failed) within this after their components are back. */
    private static final Duration ORDER_DEADLINE = Duration.ofSeconds(10);
    /** How long the check after recovery asks again an order answered 503: past a caller's breaker-open-for (5 s) and its probes. */
    private static final Duration RETRIEVAL_RETRIES = Duration.ofSeconds(30);
    private static final Map<String, String> SETTINGS = Map.of(
            "Checkout.order-deadline", "\"" + ORDER_DEADLINE.toSeconds() + "s\"",
            "Payments.latency", "\"20ms\"");
    private static final List<String> PLENTY = List.of("SKU-00011", "SKU-00012", "SKU-00013", "SKU-00014", "SKU-00015",
            "SKU-00016", "SKU-00017", "SKU-00018");
    private static final List<String> SCARCE = List.of("SKU-00021", "SKU-00022");
    private static final String GOOD_CARD = "4242424242424242";
    private static final String DECLINED_CARD = "4000000000000002";

    @TempDir
    Path directory;

    @Test
    void noAcknowledgedOrderIsLostAndEveryOrderEndsConsistentlyOnTheEmbeddedServer() throws Exception {
        try (SplitShop shop = SplitShop.start(directory, Optional.empty(), SETTINGS)) {
            run(shop);
        }
    }

    @Test
    void noAcknowledgedOrderIsLostAndEveryOrderEndsConsistentlyOnPostgres() throws Exception {
        PostgresDatabase.requireServer();
        try (PostgresDatabase database = PostgresDatabase.create("crash");
                SplitShop shop = SplitShop.start(directory, Optional.of(database), SETTINGS)) {
            run(shop);
        }
    }

    /** One checkout attempt and every answer it got, in order ({@code -1}: no answer, the connection failed). */
    private record Attempt(String orderId, String token, List<Integer> answers) {
    }

    private void run(SplitShop shop) throws Exception {
        long seed = Long.getLong("shop.crash.seed", System.nanoTime()); // -Dshop.crash.seed=N replays a run
        System.out.println("ShopCrashTest seed " + seed);
        Random random = new Random(seed);
        Map<String, Integer> initial = stock(shop);
        List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Thread> buyers = new ArrayList<>();
        for (int b = 0; b < BUYERS; b++) {
            long buyerSeed = random.nextLong();
            buyers.add(Thread.ofPlatform().name("buyer-" + b).start(() -> buy(shop.client(), new Random(buyerSeed), loading, attempts)));
        }

        List<String> kills = new ArrayList<>();
        long end = System.nanoTime() + LOAD.toNanos();
        for (int k = 0; k < KILLS; k++) {
            long pause = 2_000 + random.nextInt(3_000);
            Thread.sleep(Math.max(0, Math.min(pause, (end - System.nanoTime()) / 1_000_000 - 1_000)));
            List<SplitShop.Proc> candidates = new ArrayList<>(shop.replicas());
            shop.databaseServer().ifPresent(candidates::add);
            SplitShop.Proc victim = candidates.get(random.nextInt(candidates.size()));
            ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);
            kills.add(victim.name());
        }
        Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
        loading.set(false);
        for (Thread t : buyers) {
            t.join(Duration.ofSeconds(90).toMillis());
            assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
        }

        Await.until(Duration.ofSeconds(120), "every process back and healthy", shop::healthy);
        Await.until(ORDER_DEADLINE.plusSeconds(60), "every order ended", () -> count(shop,
                "select count(*) from checkout.customer_order where status = 'PENDING'") == 0
                && count(shop, "select count(*) from checkout.cleave_saga where phase in ('FORWARD', 'COMPENSATING', 'COMPLETING')") == 0
                && count(shop, "select count(*) from checkout.cleave_outbox") == 0); // every OrderConfirmed delivered

        State state = State.read(shop);
        List<String> violations = new ArrayList<>(state.violations(initial));
        // a 503 promises nothing and asks to retry: a caller's breaker may still be open a few seconds after a restart
        long retryUntil = System.nanoTime() + RETRIEVAL_RETRIES.toNanos();
        for (Attempt a : attempts) {
            violations.addAll(answerViolations(a, state));
            violations.addAll(retrieval(shop.client(), a, state, retryUntil));
        }
        System.out.println("ShopCrashTest killed " + kills + "; " + attempts.size() + " checkouts; orders " + state.ordersByStatus()
                + "; failed " + state.failuresByKind() + "; answers " + answerCounts(attempts) + "; violations " + violations.size());

        assertThat(violations).as("invariants after killing " + kills + " (seed " + seed + ")").isEmpty();
        assertThat(state.ordersByStatus().getOrDefault("CONFIRMED", 0)).as("confirmed orders").isGreaterThan(10);
        assertThat(state.failuresByKind()).as("failed orders by kind").containsKeys("DECLINED");
        assertThat(kills).hasSize(KILLS);
    }

    /** What the stores hold once everything ended. */
    private record State(Map<String, String> orders, Map<String, String> kinds, Map<String, String> charges,
            Map<String, List<String[]>> reservations, Map<String, Integer> notifications, Map<String, int[]> stock) {

        static State read(SplitShop shop) throws SQLException {
            try (Connection c = shop.admin()) {
                Map<String, String> orders = new HashMap<>();
                Map<String, String> kinds = new HashMap<>();
                for (String[] row : rows(c, "select id, status, failure_kind from checkout.customer_order")) {
                    orders.put(row[0], row[1]);
                    kinds.put(row[0], row[2]);
                }
                Map<String, String> charges = new HashMap<>();
                for (String[] row : rows(c, "select order_id, status from payments.charge")) {
                    charges.put(row[0], row[1]);
                }
                Map<String, List<String[]>> reservations = new HashMap<>();
                for (String[] row : rows(c, "select order_id, product_id, quantity, status from inventory.reservation")) {
                    reservations.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row);
                }
                Map<String, Integer> notifications = new HashMap<>();
                for (String[] row : rows(c, "select dedup_key, count(*) from notifications.notification group by dedup_key")) {
                    notifications.put(row[0], Integer.parseInt(row[1]));
                }
                Map<String, int[]> stock = new HashMap<>();
                for (String[] row : rows(c, "select product_id, on_hand, reserved from inventory.stock")) {
                    stock.put(row[0], new int[] {Integer.parseInt(row[1]), Integer.parseInt(row[2])});
                }
                return new State(orders, kinds, charges, reservations, notifications, stock);
            }
        }

        Map<String, Integer> ordersByStatus() {
            Map<String, Integer> counts = new LinkedHashMap<>();
            orders.values().forEach(s -> counts.merge(s, 1, Integer::sum));
            return counts;
        }

        Map<String, Integer> failuresByKind() {
            Map<String, Integer> counts = new LinkedHashMap<>();
            orders.forEach((id, status) -> {
                if (status.equals("FAILED")) {
                    counts.merge(kinds.get(id), 1, Integer::sum);
                }
            });
            return counts;
        }

        List<String> violations(Map<String, Integer> initial) {
            List<String> v = new ArrayList<>();
            orders.forEach((id, status) -> {
                if (status.equals("PENDING")) {
                    v.add("order " + id + " is still PENDING");
                }
                String charge = charges.get(id);
                if (status.equals("CONFIRMED")) {
                    if (!"APPROVED".equals(charge)) {
                        v.add("confirmed order " + id + " has charge " + charge + ", not one approved charge");
                    }
                    for (String[] r : reservations.getOrDefault(id, List.of())) {
                        if (!r[3].equals("COMMITTED")) {
                            v.add("confirmed order " + id + " has reservation of " + r[1] + " " + r[3]);
                        }
                    }
                    if (reservations.getOrDefault(id, List.of()).isEmpty()) {
                        v.add("confirmed order " + id + " took no stock");
                    }
                    int sent = notifications.getOrDefault("order-confirmed:" + id, 0);
                    if (sent != 1) {
                        v.add("confirmed order " + id + " has " + sent + " notifications, not 1");
                    }
                }
                if (status.equals("FAILED")) {
                    if ("APPROVED".equals(charge)) {
                        v.add("failed order " + id + " kept its approved charge (not refunded)");
                    }
                    for (String[] r : reservations.getOrDefault(id, List.of())) {
                        if (r[3].equals("HELD") || r[3].equals("COMMITTED")) {
                            v.add("failed order " + id + " still holds " + r[2] + " of " + r[1] + " (" + r[3] + ")");
                        }
                    }
                }
            });
            charges.forEach((order, status) -> {
                if (status.equals("APPROVED") && !"CONFIRMED".equals(orders.get(order))) {
                    v.add("approved charge for order " + order + ", which is " + orders.get(order));
                }
            });
            reservations.forEach((order, rows) -> {
                for (String[] r : rows) {
                    if (r[3].equals("COMMITTED") && !"CONFIRMED".equals(orders.get(order))) {
                        v.add("committed reservation of " + r[1] + " for order " + order + ", which is " + orders.get(order));
                    }
                }
            });
            initial.forEach((product, onHand) -> {
                int taken = 0;
                int held = 0;
                for (List<String[]> rows : reservations.values()) {
                    for (String[] r : rows) {
                        if (r[1].equals(product) && r[3].equals("COMMITTED")) {
                            taken += Integer.parseInt(r[2]);
                        }
                        if (r[1].equals(product) && r[3].equals("HELD")) {
                            held += Integer.parseInt(r[2]);
                        }
                    }
                }
                int[] now = stock.get(product);
                if (now[0] != onHand - taken) {
                    v.add("stock of " + product + ": " + now[0] + " on hand, expected " + onHand + " - " + taken + " taken");
                }
                if (now[1] != held) {
                    v.add("stock of " + product + ": " + now[1] + " reserved, but reservations hold " + held);
                }
            });
            return v;
        }
    }

    /** Every answer a client got must agree with how its order ended. */
    private static List<String> answerViolations(Attempt a, State state) {
        List<String> v = new ArrayList<>();
        String status = state.orders().get(a.orderId());
        String kind = state.kinds().get(a.orderId());
        for (int answer : a.answers()) {
            boolean agrees = switch (answer) {
                case 201 -> "CONFIRMED".equals(status);
                case 402 -> "FAILED".equals(status) && "DECLINED".equals(kind);
                case 409 -> "FAILED".equals(status) && "OUT_OF_STOCK".equals(kind);
                case 400 -> !"CONFIRMED".equals(status);
                // no outcome was promised: 502 and 504 are the gateway's when the storefront replica carrying the
                // order died or went silent under it, as a reset connection (-1) was without a gateway
                case 503, 500, 502, 504, -1 -> true;
                default -> false;
            };
            if (!agrees) {
                v.add("order " + a.orderId() + " answered " + answer + " but ended " + status + " " + kind);
            }
        }
        return v;
    }

    /**
     * After recovery, the order as its customer sees it agrees with the stores; a customer answered
     * 503 ("retry shortly") asks again, until {@code retryUntil} ({@link System#nanoTime}).
     */
    private static List<String> retrieval(ShopClient client, Attempt a, State state, long retryUntil)
            throws InterruptedException {
        String status = state.orders().get(a.orderId());
        ShopClient.Reply reply = client.get("/api/orders/" + a.orderId(), a.token());
        while (reply.status() == 503 && System.nanoTime() - retryUntil < 0) {
            // as the answer asks: Retry-After seconds (1 s without one), within what is left
            long after = TimeUnit.SECONDS.toNanos(reply.retryAfter() > 0 ? reply.retryAfter() : 1);
            TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(after, retryUntil - System.nanoTime())));
            reply = client.get("/api/orders/" + a.orderId(), a.token());
        }
        if (status == null) {
            return reply.status() == 404 ? List.of() : List.of("order " + a.orderId() + " is not stored but GET answered " + reply.status());
        }
        if (reply.status() != 200 || !reply.json().get("status").asText().equals(status)) {
            return List.of("order " + a.orderId() + " is " + status + " but GET answered " + reply.status() + " " + reply.body());
        }
        return List.of();
    }

    private static Map<Integer, Integer> answerCounts(List<Attempt> attempts) {
        Map<Integer, Integer> counts = new java.util.TreeMap<>();
        synchronized (attempts) {
            attempts.forEach(a -> a.answers().forEach(x -> counts.merge(x, 1, Integer::sum)));
        }
        return counts;
    }

    /** A customer: signs up, then fills the cart and checks out until the load ends; retries an unanswered order once. */
    private static void buy(ShopClient client, Random random, AtomicBoolean loading, List<Attempt> attempts) {
        String token = null;
        while (loading.get()) {
            try {
                if (token == null) {
                    token = client.signUp("buyer-" + UUID.randomUUID() + "@example.com");
                }
                String product = random.nextInt(5) == 0 ? SCARCE.get(random.nextInt(SCARCE.size()))
                        : PLENTY.get(random.nextInt(PLENTY.size()));
                if (client.addToCart(token, product, 1 + random.nextInt(2)).status() != 200) {
                    pause(200);
                    continue;
                }
                String orderId = UUID.randomUUID().toString();
                String card = random.nextInt(8) == 0 ? DECLINED_CARD : GOOD_CARD;
                String session = token;
                List<Integer> answers = new ArrayList<>();
                attempts.add(new Attempt(orderId, session, answers));
                int answer = -1;
                for (int tries = 0; tries < 2; tries++) {
                    answer = answer(() -> client.placeOrder(session, orderId, card).status());
                    answers.add(answer);
                    if (answer != 503 && answer != -1 && answer != 500 && answer != 502 && answer != 504) {
                        break;
                    }
                    pause(500);
                }
                if (answer != 201) {
                    emptyCart(client, session); // start the next order afresh (a scarce product would fail it again)
                }
            } catch (UncheckedIOException | AssertionError e) {
                pause(300); // the storefront or the users component is down: try again
            }
        }
    }

    private static void emptyCart(ShopClient client, String token) {
        ShopClient.Reply cart = client.get("/api/cart", token);
        if (cart.status() == 200) {
            for (var line : cart.json().get("lines")) {
                client.call("DELETE", "/api/cart/items/" + line.get("productId").asText(), token, null);
            }
        }
    }

    private static int answer(java.util.function.IntSupplier call) {
        try {
            return call.getAsInt();
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sets the stock of the products buyers choose from, and returns it. */
    private static Map<String, Integer> stock(SplitShop shop) throws Exception {
        Inventory inventory = shop.app().component(Inventory.class);
        Map<String, Integer> initial = new LinkedHashMap<>();
        for (String p : PLENTY) {
            inventory.setStock(p, 1_000);
            initial.put(p, 1_000);
        }
        for (String p : SCARCE) {
            inventory.setStock(p, 5);
            initial.put(p, 5);
        }
        return initial;
    }

    private static long count(SplitShop shop, String sql) {
        try (Connection c = shop.admin(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1; // the database is still restarting
        }
    }

    private static List<String[]> rows(Connection c, String sql) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
