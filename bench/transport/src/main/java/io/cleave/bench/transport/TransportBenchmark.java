package io.cleave.bench.transport;

import io.cleave.transport.CertificateAuthority;
import io.cleave.transport.Credentials;
import io.cleave.transport.Identity;
import io.cleave.transport.Replica;
import io.cleave.transport.RoutingTable;
import io.cleave.transport.RpcClient;
import io.grpc.CallOptions;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import org.HdrHistogram.Histogram;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * A ~100-byte request and reply across processes on loopback: Cleave's transport vs gRPC-java
 * unary calls (default executor, and directExecutor), server in a child JVM started here.
 * Prints p50/p99 latency of one sequential caller and throughput of many concurrent callers.
 *
 * <p>Cleave's transport runs twice: plaintext, and with mutual TLS (certificates from a CA made
 * here, the server's read from PEM files as a deployment's would be).
 *
 * <p>Arguments (all optional): {@code latencyCalls=50000 callers=64 seconds=8 warmupSeconds=3}.
 *
 * <p>With {@code rate=N} it measures something else: CPU per call at a moderate, fixed rate,
 * where nothing batches and every call pays its thread wake-ups. N calls a second, each from a
 * new virtual thread (as a web request's handler would make it), for {@code seconds} after
 * {@code warmupSeconds}; prints the CPU time (utime + stime from /proc, Linux) of this process
 * and of the server process per call, Cleave's transport only, plaintext then with mutual TLS.
 */
public final class TransportBenchmark {

    private TransportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int latencyCalls = intArg(args, "latencyCalls", 50_000);
        int callers = intArg(args, "callers", 64);
        int seconds = intArg(args, "seconds", 8);
        int warmup = intArg(args, "warmupSeconds", 3);
        int rate = intArg(args, "rate", 0);

        Path pki = Files.createTempDirectory("cleave-bench-pki");
        CertificateAuthority ca = CertificateAuthority.generate("bench");
        Credentials clientCredentials = credentials(ca, Identity.deployment("bench"), null);
        credentials(ca, Identity.replica("bench", "Payload", 0), pki);
        Process server = new ProcessBuilder(javaBin(), "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                BenchServer.class.getName(), pki.resolve("tls.crt").toString(), pki.resolve("tls.key").toString(),
                pki.resolve("ca.crt").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("READY ")) {
                throw new IllegalStateException("server process did not start: " + line);
            }
            String[] ports = line.split(" ");
            byte[] payload = new byte[100];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) i;
            }

            if (rate > 0) {
                double[][] cpu = new double[2][];
                for (int secure = 0; secure <= 1; secure++) {
                    RpcClient.Builder b = RpcClient.builder();
                    if (secure == 1) {
                        b.tls(clientCredentials);
                    }
                    try (RpcClient client = b.build()) {
                        Payload cleave = client.stub(Payload_Cleave.DESCRIPTOR, RoutingTable.of(new Replica("127.0.0.1",
                                Integer.parseInt(ports[secure == 1 ? 4 : 1]))));
                        paced(cleave::echo, payload, rate, warmup, server.pid());
                        cpu[secure] = paced(cleave::echo, payload, rate, seconds, server.pid());
                        System.out.printf(Locale.ROOT, "Cleave transport%s, %d calls/s for %d s: CPU per call %.0f us (client process %.0f, server process %.0f)%n",
                                secure == 1 ? " with mTLS" : "", rate, seconds, cpu[secure][0] + cpu[secure][1], cpu[secure][0], cpu[secure][1]);
                    }
                }
                System.out.printf(Locale.ROOT, "mTLS / plaintext, CPU per call: %.2fx%n", (cpu[1][0] + cpu[1][1]) / (cpu[0][0] + cpu[0][1]));
                return;
            }
            List<Row> rows = new ArrayList<>();
            try (RpcClient client = RpcClient.builder().build()) {
                Payload cleave = client.stub(Payload_Cleave.DESCRIPTOR, RoutingTable.of(new Replica("127.0.0.1", Integer.parseInt(ports[1]))));
                rows.add(measure("Cleave transport", cleave::echo, payload, latencyCalls, callers, seconds, warmup));
            }
            try (RpcClient client = RpcClient.builder().tls(clientCredentials).build()) {
                Payload cleave = client.stub(Payload_Cleave.DESCRIPTOR, RoutingTable.of(new Replica("127.0.0.1", Integer.parseInt(ports[4]))));
                rows.add(measure("Cleave transport with mTLS", cleave::echo, payload, latencyCalls, callers, seconds, warmup));
            }
            for (int g = 2; g <= 3; g++) {
                ManagedChannel channel = io.grpc.Grpc.newChannelBuilderForAddress("127.0.0.1", Integer.parseInt(ports[g]),
                        InsecureChannelCredentials.create()).build();
                try {
                    UnaryOperator<byte[]> call = req -> ClientCalls.blockingUnaryCall(channel, Grpc.ECHO, CallOptions.DEFAULT, req);
                    rows.add(measure(g == 2 ? "gRPC-java (default executor)" : "gRPC-java (directExecutor)", call, payload,
                            latencyCalls, callers, seconds, warmup));
                } finally {
                    channel.shutdownNow();
                }
            }
            print(rows, callers);
        } finally {
            server.getOutputStream().close();
            server.waitFor(10, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
    }

    record Row(String name, double p50Micros, double p99Micros, double callsPerSecond) {
    }

    private static Row measure(String name, UnaryOperator<byte[]> call, byte[] payload, int latencyCalls, int callers,
            int seconds, int warmup) throws InterruptedException {
        for (int i = 0; i < latencyCalls / 2; i++) {
            check(call.apply(payload));
        }
        Histogram h = new Histogram(3);
        for (int i = 0; i < latencyCalls; i++) {
            long t = System.nanoTime();
            check(call.apply(payload));
            h.recordValue((System.nanoTime() - t) / 10); // tenths of a microsecond
        }
        double throughput = saturate(call, payload, callers, warmup, seconds);
        Row row = new Row(name, h.getValueAtPercentile(50) / 10.0, h.getValueAtPercentile(99) / 10.0, throughput);
        System.err.printf(Locale.ROOT, "%s: p50 %.1f us, p99 %.1f us, %.0f calls/s%n", name, row.p50Micros, row.p99Micros, throughput);
        return row;
    }

    private static double saturate(UnaryOperator<byte[]> call, byte[] payload, int callers, int warmup, int seconds)
            throws InterruptedException {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                while (!stop.get()) {
                    check(call.apply(payload));
                    if (measuring.get()) {
                        done.increment();
                    }
                }
            }));
        }
        Thread.sleep(warmup * 1000L);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long calls = done.sum();
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        return calls / elapsed;
    }

    /** Calls at a fixed rate for a while; returns CPU microseconds per call of this process and of the server. */
    private static double[] paced(UnaryOperator<byte[]> call, byte[] payload, int rate, int seconds, long serverPid)
            throws Exception {
        int calls = rate * seconds;
        CountDownLatch done = new CountDownLatch(calls);
        AtomicInteger started = new AtomicInteger();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        long self = ProcessHandle.current().pid();
        long client0 = cpuMicros(self);
        long server0 = cpuMicros(serverPid);
        pacer.scheduleAtFixedRate(() -> {
            if (started.getAndIncrement() < calls) {
                Thread.startVirtualThread(() -> {
                    check(call.apply(payload));
                    done.countDown();
                });
            }
        }, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
        if (!done.await(seconds * 3L + 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("calls at " + rate + "/s did not finish in time");
        }
        pacer.shutdownNow();
        return new double[] {(cpuMicros(self) - client0) / (double) calls, (cpuMicros(serverPid) - server0) / (double) calls};
    }

    /** utime + stime of a process, in microseconds (Linux /proc; assumes 100 clock ticks a second). */
    private static long cpuMicros(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000;
    }

    private static void check(byte[] reply) {
        if (reply.length != 100) {
            throw new IllegalStateException("reply of " + reply.length + " bytes");
        }
    }

    private static void print(List<Row> rows, int callers) {
        Row base = rows.get(0);
        System.out.println();
        System.out.printf(Locale.ROOT, "| transport | p50 sequential (us) | p99 sequential (us) | throughput, %d callers (calls/s) | Cleave throughput / this | Cleave p50 / this |%n", callers);
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %,.0f | %.2fx | %.2f |%n", r.name, r.p50Micros, r.p99Micros,
                    r.callsPerSecond, base.callsPerSecond / r.callsPerSecond, base.p50Micros / r.p50Micros);
        }
        Row secure = rows.get(1);
        System.out.printf(Locale.ROOT, "%nmTLS / plaintext: throughput %.2fx, p50 %.2fx, p99 %.2fx%n", secure.callsPerSecond
                / base.callsPerSecond, secure.p50Micros / base.p50Micros, secure.p99Micros / base.p99Micros);
    }

    /** Credentials issued by the authority; with a directory, also written there as PEM files for the server process. */
    private static Credentials credentials(CertificateAuthority ca, Identity identity, Path dir) throws IOException {
        KeyPair keys = CertificateAuthority.newKeyPair();
        List<X509Certificate> chain = ca.issue(keys.getPublic(), identity, Duration.ofHours(12));
        if (dir != null) {
            Files.writeString(dir.resolve("tls.crt"), pem(chain.toArray()));
            Path key = dir.resolve("tls.key");
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
            Files.writeString(dir.resolve("ca.crt"), pem(ca.certificate()));
        }
        return Credentials.create(keys.getPrivate(), chain, List.of(ca.certificate()));
    }

    private static String pem(Object... objects) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                pem.writeObject(o);
            }
        }
        return w.toString();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int intArg(String[] args, String name, int otherwise) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return otherwise;
    }
}
