package io.cleave.kafka.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), run in a
 * child JVM from the Maven artifacts on this module's class path, listening on free loopback
 * ports, its data in a directory of its own. A child process rather than a thread so a test can
 * do to it what happens to brokers: {@link #kill()} it ({@code kill -9}), {@link #start()} it
 * again on the same ports and data, {@link #pause()} it ({@code SIGSTOP}) and {@link #resume()}
 * it.
 *
 * <p>As a JUnit 5 extension it starts before the class's tests and stops after them, its
 * directory {@code target/kafka/<test class>}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBroker KAFKA = KafkaBroker.forTests();
 *
 * String servers = KAFKA.bootstrapServers();   // 127.0.0.1:40123
 * }</pre>
 *
 * <p>{@link #main} starts one for a user (see {@code bin/kafka}).
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(90);
    private static volatile KafkaBroker current;

    private final Optional<Path> fixedDirectory;
    private final int requestedPort;
    /**
     * Whether the broker's JVM compiles with C1 only: it answers sooner after a start, which is
     * what a test class wants, but serves less per CPU once warm (a user's broker, a benchmark's).
     */
    private final boolean quickStart;
    private Path directory;
    private int port;
    private int controllerPort;
    private Process process;

    private KafkaBroker(Optional<Path> directory, int port, boolean quickStart) {
        this.fixedDirectory = directory;
        this.requestedPort = port;
        this.quickStart = quickStart;
    }

    /**
     * A broker for a test class: started by {@link #beforeAll}, in {@code target/kafka/<class>}
     * (emptied first), on free ports; stopped by {@link #afterAll}. Its JVM compiles with C1 only,
     * to answer sooner.
     *
     * @return the extension, not yet started
     */
    public static KafkaBroker forTests() {
        return new KafkaBroker(Optional.empty(), 0, true);
    }

    /**
     * A broker in a given directory (created and formatted if it has no data yet; kept
     * otherwise, so the topics survive a restart) on a given port, 0 for a free one; its JVM
     * compiles as a long-running server's does.
     *
     * @param directory its configuration, data and log
     * @param port the client port, 0 for any free one
     * @return the broker, not yet started
     */
    public static KafkaBroker in(Path directory, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + ": must be 0 (any free one) to 65535");
        }
        return new KafkaBroker(Optional.of(directory), port, false);
    }

    /**
     * The broker the current test class started, for settings computed outside the test (a
     * {@code TestSettings} naming the bootstrap servers).
     *
     * @return the running broker
     * @throws IllegalStateException if none is running
     */
    public static KafkaBroker current() {
        KafkaBroker b = current;
        if (b == null || !b.isRunning()) {
            throw new IllegalStateException("no KafkaBroker is running: register KafkaBroker.forTests() as a static"
                    + " @RegisterExtension field of the test class");
        }
        return b;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path dir = Path.of("target", "kafka", context.getRequiredTestClass().getSimpleName()).toAbsolutePath();
        deleteRecursively(dir);
        directory = dir;
        start();
        current = this;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
        current = null;
    }

    /**
     * Starts the broker process (formatting its storage the first time) and waits until it
     * answers clients; again after {@link #kill()} on the same ports and data.
     *
     * @throws IOException if the process cannot start
     * @throws IllegalStateException if it does not answer within 90 s (its log is in
     *     {@code broker.log} of its directory)
     * @throws InterruptedException if interrupted while waiting
     */
    public synchronized void start() throws IOException, InterruptedException {
        if (isRunning()) {
            return;
        }
        if (directory == null) {
            directory = fixedDirectory.orElseThrow().toAbsolutePath();
        }
        Files.createDirectories(directory);
        if (port == 0) {
            port = requestedPort != 0 ? requestedPort : freePort();
            controllerPort = freePort();
        }
        Path properties = directory.resolve("server.properties");
        Files.writeString(properties, properties());
        Path log = directory.resolve("broker.log");
        if (!Files.exists(directory.resolve("data").resolve("meta.properties"))) {
            Process format = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                    properties.toString(), "--ignore-formatted")
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting the Kafka storage in " + directory + " failed; see " + log);
            }
        }
        process = java("kafka.Kafka", properties.toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true).start();
        awaitReady(log);
    }

    private String properties() {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + directory.resolve("data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "") ;
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC"));
        if (quickStart) {
            command.add("-XX:TieredStopAtLevel=1");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(directory.toFile());
    }

    private void awaitReady(Path log) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + "; see " + log);
            }
            if (accepts()) {
                try (Admin admin = Admin.create(config)) {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not ready yet
                }
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the Kafka broker did not answer on " + bootstrapServers() + " within " + READY
                + "; see " + log);
    }

    private boolean accepts() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return s.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** @return {@code 127.0.0.1:<port>}, for {@code bootstrap.servers} */
    public String bootstrapServers() {
        if (port == 0) {
            throw new IllegalStateException("the broker has not been started");
        }
        return "127.0.0.1:" + port;
    }

    /** @return the broker process's id */
    public long pid() {
        return process.pid();
    }

    /** @return the broker's directory: {@code server.properties}, {@code data/}, {@code broker.log} */
    public Path directory() {
        return directory;
    }

    /** @return whether the broker process is alive */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Kills the broker process ({@code SIGKILL}) and waits for it to end; {@link #start()}
     * brings it back on the same ports and data.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Freezes the broker process ({@code SIGSTOP}): its connections stay open and nothing
     * answers, as with a hung machine, until {@link #resume()}.
     *
     * @throws IOException if {@code kill} cannot run
     * @throws InterruptedException if interrupted
     */
    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /**
     * Lets a {@linkplain #pause() paused} broker go on ({@code SIGCONT}).
     *
     * @throws IOException if {@code kill} cannot run
     * @throws InterruptedException if interrupted
     */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " " + pid() + " failed");
        }
    }

    /** Stops the broker ({@code SIGTERM}, then {@code SIGKILL} after 20 s). */
    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            resume(); // a paused process does not handle SIGTERM
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Starts a broker for a user and runs until interrupted (Ctrl-C stops it):
     * {@code KafkaBroker [--port N] [--dir DIR]}, by default port 9092 and directory
     * {@code .cleave/kafka}. Prints the bootstrap servers once it answers.
     *
     * @param args the options
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        int port = 9092;
        Path dir = Path.of(".cleave", "kafka");
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length || !(option.equals("--port") || option.equals("--dir"))) {
                System.err.println("usage: kafka [--port N] [--dir DIR]   (not: " + option + ")");
                System.exit(2);
            }
            String value = args[++i];
            if (option.equals("--port")) {
                try {
                    port = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    System.err.println("kafka: --port " + value + ": not a number");
                    System.exit(2);
                }
            } else {
                dir = Path.of(value);
            }
        }
        KafkaBroker broker = KafkaBroker.in(dir, port);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        broker.start();
        System.out.println("Kafka (KRaft, one node) on " + broker.bootstrapServers() + ", data and broker.log in "
                + broker.directory() + "; Ctrl-C stops it");
        System.out.println("[events]\nkafka-bootstrap-servers = \"" + broker.bootstrapServers() + "\"");
        broker.process.waitFor();
    }
}
