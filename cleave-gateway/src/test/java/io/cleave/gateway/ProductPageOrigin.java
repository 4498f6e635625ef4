package io.cleave.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * The upstream of {@code bench/gateway-cache.sh}: {@code ProductPageOrigin <port> <cpu microseconds>}
 * answers {@code GET /api/products/<id>} with a product page of about 2 KB of JSON after spending
 * the given CPU time on it, standing for the shop's storefront (a product page there makes four
 * calls to other components, each ~0.4 ms of CPU by bench/README.md, plus JSON). The work is a
 * number of SHA-256 rounds calibrated at start on the thread's CPU time, so it costs CPU, not just time.
 */
public final class ProductPageOrigin {

    private ProductPageOrigin() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long micros = Long.parseLong(args[1]);
        long rounds = calibrate(micros);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            String id = path.substring(path.lastIndexOf('/') + 1);
            byte[] body = page(id, work(rounds)).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            exchange.close();
        });
        server.start();
        System.out.println("origin http://127.0.0.1:" + port + "/ " + rounds + " rounds per request (" + micros
                + " us of CPU)");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** Rounds costing {@code micros} of this thread's CPU time (not wall time: others' load must not shrink it). */
    private static long calibrate(long micros) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long rounds = 200_000;
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) { // the first ones run before the JIT has compiled work(): keep the fastest
            long start = cpu.getCurrentThreadCpuTime();
            work(rounds);
            fastest = Math.min(fastest, cpu.getCurrentThreadCpuTime() - start);
        }
        return Math.max(1, rounds * micros * 1000 / Math.max(1, fastest));
    }

    private static int work(long rounds) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] block = new byte[64];
            for (long i = 0; i < rounds; i++) {
                block = sha.digest(block);
            }
            return block[0];
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String page(String id, int seed) {
        StringBuilder b = new StringBuilder("{\"product\":{\"id\":\"").append(id)
                .append("\",\"name\":\"Product ").append(id).append("\",\"description\":\"")
                .append("A sturdy, well-made thing that does what it says. ".repeat(6))
                .append("\",\"categoryId\":\"home\",\"price\":19.99,\"stock\":").append(40 + (seed & 7))
                .append("},\"boughtTogether\":[");
        for (int i = 1; i <= 4; i++) {
            b.append(i > 1 ? "," : "").append("{\"id\":\"SKU-0000").append(i).append("\",\"name\":\"Product ")
                    .append(i).append("\",\"description\":\"").append("Goes well with the one above. ".repeat(6))
                    .append("\",\"categoryId\":\"home\",\"price\":9.99,\"stock\":12}");
        }
        return b.append("],\"recommendationsKnown\":true}").toString();
    }
}
