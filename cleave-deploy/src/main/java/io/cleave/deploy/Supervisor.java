package io.cleave.deploy;

import io.cleave.StartupException;
import io.cleave.runtime.spi.TransportSettings;
import io.cleave.spi.AppOptions;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import io.cleave.spi.ServiceProvider;
import io.cleave.transport.CertificateAuthority;
import io.cleave.transport.Credentials;
import io.cleave.transport.Identity;
import io.cleave.transport.Replica;
import io.cleave.transport.RoutingTable;
import io.cleave.transport.RpcClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs an application as child processes, one per group and replica: launches them (groups
 * after the groups they depend on), tells each what it hosts, learns where each serves,
 * publishes routing tables to all of them, restarts what dies with exponential backoff until
 * it crash-loops, kills what stops answering health checks, drains everything on close, and
 * serves its status. See the module README for the control protocol.
 */
final class Supervisor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("cleave.multi");
    private static final String TAG = "supervisor";
    private static final Duration HEALTH_INTERVAL = Duration.ofMillis(250);
    /** The {@code java.util.logging} configuration file a JVM was started with, which the children get too. */
    static final String LOGGING_CONFIG = "java.util.logging.config.file";
    private static final String ONE_LINE_LOGS = "-Djava.util.logging.SimpleFormatter.format=%4$s %3$s: %5$s%6$s%n";

    private final String application;
    private final Plan plan;
    private final MultiSettings settings;
    private final Path directory;
    /** The children's class-data archive, written by {@link #archiver} when there is none; null when off or impossible. */
    private final Path archive;
    private volatile Thread archiver;
    private final Clock clock;
    private final Instant startedAt;
    private final String token;
    private final List<String> command;
    private final LogSink log;
    private final ServerSocket controlServer;
    private final ServerSocket statusServer;
    private final StateFile stateFile;
    private final RpcClient client;
    private final Map<String, RoutingTable> tables = new LinkedHashMap<>();
    private final Map<String, Invoker> invokers = new LinkedHashMap<>();
    private final Map<String, List<Slot>> slots = new LinkedHashMap<>();
    private final ScheduledExecutorService timer;
    private final TransportSettings transport;
    /** Issues the children's certificates; null when they read their own from files, or without TLS. */
    private final CertificateAuthority authority;
    /** The supervisor's own credentials, the deployment's identity; null without TLS. */
    private final Credentials credentials;
    /** What a status request must carry: in the state file, which only the user who started the supervisor can read. */
    private final String statusSecret;
    /** What the supervisor's own process serves (cleave-observe's admin endpoint), by name. */
    private volatile Map<String, String> endpoints = Map.of();
    /**
     * The ready replicas of groups that host no component (the gateway's): no routing table has
     * them, so they are watched here, and their health is known like every other process's.
     */
    private final RoutingTable componentless = RoutingTable.of();
    /** The listeners' replicas last sent to the gateway's processes (guarded by lock). */
    private Map<String, List<String>> upstreamsSent = Map.of();
    /** Launches so far: names each child's class list ({@link ClassDataArchive}). Guarded by the lock. */
    private long launches;
    /** When a refused status request was last logged: a local process may send many. */
    private volatile long statusRefusalLogged = System.nanoTime() - TimeUnit.SECONDS.toNanos(10);

    private final Object lock = new Object();
    private boolean stopping;
    private boolean closed;

    private Supervisor(String application, Plan plan, MultiSettings settings, TransportSettings transport, AppOptions options,
            List<ComponentDescriptor<?>> components, Clock clock) throws IOException {
        this.application = application;
        this.plan = plan;
        this.settings = settings;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.directory = settings.applicationDirectory(application).toAbsolutePath();
        Files.createDirectories(directory);
        ownerOnly(directory);
        this.stateFile = new StateFile(directory.resolve(StateFile.NAME));
        stateFile.refuseIfAnotherSupervisorRuns(application);
        this.token = secret();
        this.statusSecret = secret();
        this.transport = transport;
        TransportSettings.Tls tls = transport.tls();
        if (!tls.enabled()) {
            this.authority = null;
            this.credentials = null;
        } else if (tls.fromFiles()) {
            this.authority = null;
            this.credentials = Certificates.fromFiles(tls, Certificates.SUPERVISOR_GROUP, Identity.deployment(application));
        } else {
            this.authority = Certificates.authority(application, tls);
            KeyPair keys = CertificateAuthority.newKeyPair();
            this.credentials = Credentials.create(keys.getPrivate(), authority.issue(keys.getPublic(),
                    Identity.deployment(application), tls.certificateLifetime()), List.of(authority.certificate()));
        }
        this.command = childCommand(settings, options, directory);
        this.archive = settings.classDataSharing()
                ? ClassDataArchive.archive(settings.archiveDirectory(application).toAbsolutePath(), command).orElse(null)
                : null;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.controlServer = new ServerSocket(0, 128, loopback);
        this.statusServer = new ServerSocket(0, 16, loopback);
        this.log = LogSink.open(directory.resolve("cleave.log"), settings.echoLogs() ? System.out : null, clock);
        // Its pings tell which children answer (see checkHealth); its calls are the supervisor process's own.
        this.client = Transport.client(transport, Optional.ofNullable(credentials)).build();
        for (ComponentDescriptor<?> c : components) {
            RoutingTable table = RoutingTable.of();
            tables.put(c.name(), table);
            client.watch(table);
            invokers.put(c.name(), client.invoker(c.name(), table));
        }
        client.watch(componentless);
        for (Plan.Group g : plan.groups()) {
            List<Slot> list = new ArrayList<>();
            for (int i = 0; i < g.replicas(); i++) {
                list.add(new Slot(g, i));
            }
            slots.put(g.name(), List.copyOf(list));
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("cleave-supervisor").factory());
    }

    /**
     * Starts the children and returns when every replica serves or crash-loops.
     *
     * @throws StartupException if the supervisor cannot set up its directory or sockets; nothing is left running
     */
    static Supervisor start(String application, Plan plan, MultiSettings settings, TransportSettings transport,
            AppOptions options, List<ComponentDescriptor<?>> components) {
        Supervisor s;
        try {
            s = new Supervisor(application, plan, settings, transport, options, components, Clock.systemUTC());
        } catch (IOException | UncheckedIOException e) {
            throw new StartupException("deployer multi: cannot set up the supervisor in "
                    + settings.applicationDirectory(application).toAbsolutePath() + ": " + e.getMessage(), e);
        }
        try {
            s.begin();
            s.awaitStarted();
            s.archiveWhenSettled();
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void begin() {
        Thread.ofPlatform().daemon().name("cleave-control-accept").start(this::acceptControl);
        Thread.ofPlatform().daemon().name("cleave-status").start(this::serveStatus);
        try {
            stateFile.write(application, ProcessHandle.current().pid(), statusServer.getLocalPort(), log.file(), startedAt,
                    statusSecret);
        } catch (IOException e) {
            throw new StartupException("deployer multi: cannot write " + stateFile.path() + ": " + e.getMessage(), e);
        }
        log.line(TAG, "pid " + ProcessHandle.current().pid() + " starting " + application + ": "
                + plan.groups().stream().map(g -> g.name() + " x" + g.replicas()).toList() + " (state " + stateFile.path() + ")");
        long every = HEALTH_INTERVAL.toMillis();
        timer.scheduleAtFixedRate(this::checkHealth, every, every, TimeUnit.MILLISECONDS);
        if (credentials == null) {
            String warning = Transport.plaintextWarning(transport);
            log.line(TAG, "WARNING " + warning);
            LOG.log(System.Logger.Level.WARNING, warning);
        } else if (authority != null) {
            log.line(TAG, "mutual TLS between processes: certificates from " + (transport.tls().caKey().isPresent()
                    ? "the authority in " + transport.tls().caCertificate().orElseThrow() : "a certificate authority made now")
                    + ", valid for " + StatusReport.human(transport.tls().certificateLifetime()) + " and renewed after two thirds");
            scheduleRenewal();
        } else {
            log.line(TAG, "mutual TLS between processes: certificates from " + transport.tls().certificate().orElseThrow()
                    + ", read again every " + StatusReport.human(Certificates.FILE_CHECK));
            long check = Certificates.FILE_CHECK.toMillis();
            timer.scheduleWithFixedDelay(this::reloadCertificate, check, check, TimeUnit.MILLISECONDS);
        }
    }

    /** Renews the supervisor's own certificate after two thirds of its time, from its own authority. */
    private void scheduleRenewal() {
        Duration after = Certificates.renewAfter(credentials.certificate(), clock.instant());
        timer.schedule(() -> {
            KeyPair keys = CertificateAuthority.newKeyPair();
            credentials.update(keys.getPrivate(), authority.issue(keys.getPublic(), credentials.identity(),
                    transport.tls().certificateLifetime()));
            log.line(TAG, "renewed its certificate, valid until " + credentials.certificate().getNotAfter().toInstant());
            scheduleRenewal();
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reloadCertificate() {
        try {
            if (credentials.reload()) {
                log.line(TAG, "read its renewed certificate, valid until " + credentials.certificate().getNotAfter().toInstant());
            }
        } catch (IOException | RuntimeException e) {
            log.line(TAG, "WARNING cannot read the certificate files again; keeping the current ones: " + e.getMessage());
        }
    }

    private static String secret() {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        return HexFormat.of().formatHex(secret);
    }

    /** Makes a directory the supervisor's user's alone: it holds the log, the state file with its secret, the config. */
    static void ownerOnly(Path directory) throws IOException {
        try {
            Files.setPosixFilePermissions(directory, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own access rules apply
        }
    }

    /** Launches groups whose dependencies are settled, until every group is settled. */
    private void awaitStarted() {
        List<Plan.Group> pending = new ArrayList<>(plan.groups());
        synchronized (lock) {
            while (true) {
                if (stopping) {
                    throw new StartupException("deployer multi: the supervisor was closed while starting");
                }
                // the gateway first: it needs no listener to start (it answers 503 until one is ready), and would
                // otherwise start alone at the end (it still stops first)
                List<Plan.Group> eligible = pending.stream()
                        .filter(g -> plan.isGateway(g) || g.dependsOn().stream().allMatch(this::settled)).toList();
                boolean launchedSettled = plan.groups().stream().filter(g -> !pending.contains(g))
                        .allMatch(g -> settled(g.name()));
                if (eligible.isEmpty() && !pending.isEmpty() && launchedSettled) {
                    eligible = List.of(pending.get(0)); // groups that depend on each other (through Refs): start in file order
                }
                for (Plan.Group g : eligible) {
                    pending.remove(g);
                    slots.get(g.name()).forEach(this::launch);
                }
                if (pending.isEmpty() && launchedSettled && eligible.isEmpty()) {
                    break;
                }
                try {
                    lock.wait(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StartupException("deployer multi: interrupted while starting the children");
                }
            }
        }
        log.line(TAG, "started: " + state());
        if (settings.strictStart()) {
            synchronized (lock) {
                List<String> looping = slots.values().stream().flatMap(List::stream)
                        .filter(s -> s.state == Slot.State.CRASH_LOOP).map(s -> s.tag() + " (" + s.lastExit + ")").toList();
                if (!looping.isEmpty()) {
                    throw new StartupException("deployer multi: " + String.join(", ", looping) + " could not start and"
                            + " crash-looped; [multi] strict-start = true fails the start instead of running degraded");
                }
            }
        }
    }

    /**
     * When the children were started without a class-data archive: a moment after every group
     * serves, writes one from the classes they loaded, in the background, for later children —
     * restarts above all — to start from.
     */
    private void archiveWhenSettled() {
        if (archive == null || Files.isRegularFile(archive)) {
            return;
        }
        archiver = Thread.ofVirtual().name("cleave-class-data-archive").start(() -> {
            try {
                Thread.sleep(ClassDataArchive.SETTLE);
                long started = System.nanoTime();
                if (ClassDataArchive.write(archive, command)) {
                    log.line(TAG, "wrote the class-data archive " + archive + " in " + (System.nanoTime() - started) / 1_000_000
                            + " ms; later processes start from it");
                }
            } catch (InterruptedException | java.nio.channels.ClosedByInterruptException e) {
                // closed first
            } catch (IOException | RuntimeException e) {
                if (!Thread.currentThread().isInterrupted()) {
                    log.line(TAG, "no class-data archive (restarts load classes from their jars): " + e.getMessage());
                }
            }
        });
    }

    /** Every replica serves or has given up (crash loop). Holds the lock. */
    private boolean settled(String group) {
        return slots.get(group).stream().allMatch(s -> s.state == Slot.State.RUNNING || s.state == Slot.State.CRASH_LOOP);
    }

    // ---- launching and exits -------------------------------------------------------------

    /** Starts a process in the slot. Holds the lock. */
    private void launch(Slot slot) {
        if (stopping) {
            return;
        }
        List<String> cmd = new ArrayList<>(command);
        int at = cmd.indexOf(GroupMain.class.getName());
        cmd.add(at, "-D" + GroupDeployment.Identity.REPLICA + "=" + slot.index);
        cmd.add(at, "-D" + GroupDeployment.Identity.GROUP + "=" + slot.group.name());
        cmd.add(at, "-D" + GroupDeployment.Identity.CONTROL + "=127.0.0.1:" + controlServer.getLocalPort());
        if (archive != null) {
            cmd.addAll(at, ClassDataArchive.options(archive, ClassDataArchive.launches() + ++launches));
        }
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().put(GroupDeployment.Identity.TOKEN_VARIABLE, token);
        slot.generation++;
        slot.forgetOutput();
        slot.address = null;
        slot.control = null;
        slot.unhealthySince = 0;
        slot.calls = Map.of();
        slot.endpoints = Map.of();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            slot.process = null;
            slot.since = null;
            log.line(TAG, slot.tag() + " cannot be launched: " + e.getMessage());
            exited(slot, slot.generation, "cannot launch: " + e.getMessage());
            return;
        }
        slot.process = process;
        slot.since = clock.instant();
        slot.state = Slot.State.STARTING;
        int generation = slot.generation;
        slot.pumps = List.of(pump(slot, process.getInputStream(), "out"), pump(slot, process.getErrorStream(), "err"));
        closeQuietly(process.getOutputStream());
        log.line(TAG, slot.tag() + " launched, pid " + process.pid());
        slot.exitHandled = process.onExit().thenRunAsync(() -> onExit(slot, generation, process), task -> Thread.ofVirtual().start(task));
        slot.timer = timer.schedule(() -> startTimedOut(slot, generation), settings.startTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private Thread pump(Slot slot, InputStream stream, String name) {
        String tag = slot.tag();
        return Thread.ofVirtual().name("cleave-log-" + tag + "-" + name).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    slot.remember(line);
                    log.line(tag, line);
                }
            } catch (IOException e) {
                // the process ended and its pipe closed
            }
        });
    }

    private void startTimedOut(Slot slot, int generation) {
        Process p;
        synchronized (lock) {
            if (slot.generation != generation || slot.state != Slot.State.STARTING || stopping) {
                return;
            }
            p = slot.process;
            log.line(TAG, slot.tag() + " was not ready within " + settings.startTimeout().toSeconds()
                    + "s ([multi] start-timeout); killing it");
        }
        if (p != null) {
            kill(p);
        }
    }

    private void onExit(Slot slot, int generation, Process process) {
        for (Thread t : slot.pumps) {
            try {
                t.join(2_000); // let the last lines in, they usually say why it exited
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int code = process.exitValue();
        synchronized (lock) {
            if (slot.generation != generation) {
                return;
            }
            String words = slot.lastWords();
            // After a signal the last line printed says nothing about the end; after an exit it usually does.
            String how = code >= 128 ? "exit " + code + " (signal " + (code - 128) + ")"
                    : "exit " + code + (words.isEmpty() ? "" : ": " + words);
            exited(slot, generation, how);
        }
    }

    /** Takes the slot out of routing and restarts it with backoff, or gives up. Holds the lock. */
    private void exited(Slot slot, int generation, String how) {
        if (slot.timer != null) {
            slot.timer.cancel(false);
        }
        ControlLine control = slot.control;
        if (control != null) {
            control.close();
        }
        boolean wasServing = slot.address != null && slot.state == Slot.State.RUNNING;
        Replica address = slot.address;
        slot.process = null;
        slot.control = null;
        slot.address = null;
        slot.since = null;
        if (wasServing) {
            for (String component : slot.group.components()) {
                tables.get(component).remove(address);
            }
            componentless.remove(address);
            publish(slot.group);
            publishUpstreams();
        }
        if (stopping) {
            slot.state = Slot.State.STOPPED;
            log.line(TAG, slot.tag() + " stopped (" + how.split(":", 2)[0] + ")");
            lock.notifyAll();
            return;
        }
        slot.lastExit = how;
        long now = System.nanoTime();
        slot.exits.addLast(now);
        while (!slot.exits.isEmpty() && now - slot.exits.peekFirst() > settings.crashLoopWindow().toNanos()) {
            slot.exits.removeFirst();
        }
        int recent = slot.exits.size();
        if (recent > settings.crashLoopRestarts()) {
            slot.state = Slot.State.CRASH_LOOP;
            String message = slot.tag() + " is crash-looping: " + recent + " exits within "
                    + StatusReport.human(settings.crashLoopWindow()) + " ([multi] crash-loop-restarts = "
                    + settings.crashLoopRestarts() + "); not restarting it. Last: " + how;
            log.line(TAG, "ERROR " + message);
            LOG.log(System.Logger.Level.ERROR, message);
            lock.notifyAll();
            return;
        }
        long base = settings.restartBackoff().toMillis();
        long delay = Math.min(settings.maxRestartBackoff().toMillis(), base << Math.min(recent - 1, 20));
        slot.state = Slot.State.BACKOFF;
        log.line(TAG, slot.tag() + " exited (" + how + "); restarting in " + delay + "ms");
        slot.timer = timer.schedule(() -> {
            synchronized (lock) {
                if (slot.generation == generation && slot.state == Slot.State.BACKOFF && !stopping) {
                    slot.restarts++;
                    launch(slot);
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
        lock.notifyAll();
    }

    // ---- control connections ----------------------------------------------------------------

    private void acceptControl() {
        while (!controlServer.isClosed()) {
            Socket socket;
            try {
                socket = controlServer.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread.ofVirtual().name("cleave-control").start(() -> converse(socket));
        }
    }

    private void converse(Socket socket) {
        ControlLine line;
        try {
            line = new ControlLine(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            return;
        }
        Slot slot = null;
        int generation = -1;
        try {
            line.timeout(Duration.ofSeconds(10));
            Optional<List<String>> hello = line.read();
            line.timeout(Duration.ZERO);
            synchronized (lock) {
                String refusal = refusal(hello);
                if (refusal != null) {
                    log.line(TAG, "refused a control connection: " + refusal);
                    line.send(ControlLine.DENY, refusal);
                    line.close();
                    return;
                }
                List<String> words = hello.orElseThrow();
                slot = slots.get(words.get(2)).get(Integer.parseInt(words.get(3)));
                generation = slot.generation;
                slot.control = line;
                if (authority != null) {
                    certify(line, slot, words.get(5));
                }
                for (Map.Entry<String, RoutingTable> e : tables.entrySet()) {
                    line.send(ControlLine.ROUTE, e.getKey(), ControlLine.addresses(e.getValue().replicas()));
                }
                if (plan.isGateway(slot.group)) {
                    for (String listener : plan.fronted().keySet()) {
                        line.send(ControlLine.UPSTREAM, listener, ControlLine.urls(upstreams(listener)));
                    }
                }
                line.send(ControlLine.GO);
            }
            while (true) {
                Optional<List<String>> message = line.read();
                if (message.isEmpty()) {
                    return;
                }
                List<String> words = message.get();
                if (words.get(0).equals(ControlLine.READY) && words.size() == 2 && address(words.get(1)).isPresent()) {
                    ready(slot, generation, address(words.get(1)).orElseThrow());
                } else if (words.get(0).equals(ControlLine.RENEW) && words.size() == 2 && authority != null) {
                    certify(line, slot, words.get(1));
                } else if (words.get(0).equals(ControlLine.CALLS) && words.size() > 1) {
                    calls(slot, generation, String.join(" ", words.subList(1, words.size())));
                } else if (words.get(0).equals(ControlLine.ENDPOINTS) && words.size() > 1) {
                    endpoints(slot, generation, String.join(" ", words.subList(1, words.size())));
                } else {
                    log.line(TAG, slot.tag() + " sent an unknown control message: " + String.join(" ", words));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (slot != null) {
                LOG.log(System.Logger.Level.DEBUG, slot.tag() + ": control connection ended: " + e.getMessage());
            }
        } finally {
            line.close();
        }
    }

    /**
     * Issues a certificate for the key a child made (its private half stays in the child): it
     * names the slot's group and replica, whatever the child might claim, since the child proved
     * with the token that the supervisor started it for that slot.
     */
    private void certify(ControlLine line, Slot slot, String key) throws IOException {
        List<X509Certificate> chain = authority.issue(Certificates.publicKey(key),
                Identity.replica(application, slot.group.name(), slot.index), transport.tls().certificateLifetime());
        line.send(ControlLine.CERT, Certificates.words(chain), Certificates.words(List.of(authority.certificate())));
    }

    private static Optional<Replica> address(String word) {
        try {
            return Optional.of(Replica.parse(word));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Why a HELLO is refused, or null. Holds the lock. */
    private String refusal(Optional<List<String>> hello) {
        if (hello.isEmpty()) {
            return "no HELLO";
        }
        List<String> w = hello.get();
        if (w.size() != 6 || !w.get(0).equals(ControlLine.HELLO)) {
            return "expected HELLO token group replica pid key";
        }
        if (!MessageDigest.isEqual(w.get(1).getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return "wrong token";
        }
        if (authority != null) {
            try {
                Certificates.publicKey(w.get(5));
            } catch (IllegalArgumentException e) {
                return "the supervisor issues this deployment's certificates, and the HELLO carries no public key to certify: "
                        + e.getMessage();
            }
        }
        List<Slot> group = slots.get(w.get(2));
        if (group == null) {
            return "no group " + w.get(2);
        }
        if (!w.get(3).matches("[0-9]{1,4}") || Integer.parseInt(w.get(3)) >= group.size()) {
            return "group " + w.get(2) + " has no replica " + w.get(3);
        }
        Slot slot = group.get(Integer.parseInt(w.get(3)));
        if (slot.state != Slot.State.STARTING || !w.get(4).equals(Long.toString(slot.pid())) || slot.control != null) {
            return slot.tag() + " is not expecting pid " + w.get(4);
        }
        return null;
    }

    private void ready(Slot slot, int generation, Replica address) {
        synchronized (lock) {
            if (slot.generation != generation || slot.state != Slot.State.STARTING) {
                return;
            }
            if (slot.timer != null) {
                slot.timer.cancel(false);
            }
            slot.address = address;
            slot.state = Slot.State.RUNNING;
            for (String component : slot.group.components()) {
                tables.get(component).add(slot.address);
            }
            if (slot.group.components().isEmpty()) {
                componentless.add(slot.address);
            }
            publish(slot.group);
            publishUpstreams();
            log.line(TAG, slot.tag() + " ready on " + slot.address + " (pid " + slot.pid() + ")");
            lock.notifyAll();
        }
    }

    private void calls(Slot slot, int generation, String json) {
        Map<String, String> states = new java.util.TreeMap<>();
        try {
            if (Json.parse(json) instanceof Map<?, ?> m) {
                m.forEach((k, v) -> states.put(String.valueOf(k), String.valueOf(v)));
            }
        } catch (IllegalArgumentException e) {
            log.line(TAG, slot.tag() + " sent calls that are not JSON: " + e.getMessage());
            return;
        }
        synchronized (lock) {
            if (slot.generation == generation) {
                slot.calls = Map.copyOf(states);
            }
        }
    }

    private void endpoints(Slot slot, int generation, String json) {
        Map<String, String> urls = new java.util.TreeMap<>();
        try {
            if (Json.parse(json) instanceof Map<?, ?> m) {
                m.forEach((k, v) -> urls.put(String.valueOf(k), String.valueOf(v)));
            }
        } catch (IllegalArgumentException e) {
            log.line(TAG, slot.tag() + " sent endpoints that are not JSON: " + e.getMessage());
            return;
        }
        synchronized (lock) {
            if (slot.generation == generation) {
                slot.endpoints = Map.copyOf(urls);
                publishUpstreams();
            }
        }
    }

    /** What the supervisor's own process serves, for the status report. */
    void endpoints(Map<String, String> endpoints) {
        this.endpoints = Map.copyOf(endpoints);
    }

    /** Sends the group's components' routes to every child that is listening. Holds the lock. */
    private void publish(Plan.Group group) {
        for (List<Slot> list : slots.values()) {
            for (Slot s : list) {
                ControlLine c = s.control;
                if (c == null) {
                    continue;
                }
                for (String component : group.components()) {
                    try {
                        c.send(ControlLine.ROUTE, component, ControlLine.addresses(tables.get(component).replicas()));
                    } catch (IOException e) {
                        // that child is going away; its exit is handled when the process ends
                    }
                }
            }
        }
    }

    /**
     * The replicas of a listener the gateway sends requests to: the listener's own address in each
     * ready process that announced one. Holds the lock.
     */
    private List<String> upstreams(String listener) {
        List<String> urls = new ArrayList<>();
        for (List<Slot> list : slots.values()) {
            for (Slot s : list) {
                String url = s.endpoints.get(ServiceProvider.Request.LISTENER_ENDPOINT + listener);
                if (url != null && s.ready().isPresent()) {
                    urls.add(url);
                }
            }
        }
        return urls;
    }

    /** Sends every listener's replicas to the gateway's processes, when it changed. Holds the lock. */
    private void publishUpstreams() {
        if (plan.fronted().isEmpty()) {
            return;
        }
        Map<String, List<String>> now = new LinkedHashMap<>();
        plan.fronted().keySet().forEach(listener -> now.put(listener, upstreams(listener)));
        if (now.equals(upstreamsSent)) {
            return;
        }
        upstreamsSent = now;
        for (Slot s : slots.get(Plan.GATEWAY)) {
            ControlLine c = s.control;
            if (c == null) {
                continue;
            }
            for (Map.Entry<String, List<String>> e : now.entrySet()) {
                try {
                    c.send(ControlLine.UPSTREAM, e.getKey(), ControlLine.urls(e.getValue()));
                } catch (IOException ex) {
                    // that child is going away; its exit is handled when the process ends
                }
            }
        }
        log.line(TAG, "gateway upstreams: " + now);
    }

    // ---- health ---------------------------------------------------------------------------

    /**
     * Kills a ready replica that has not answered (a pong, a reply) for the unhealthy timeout,
     * without a break: a stopped or hung process, whose kernel still accepts connections. Whether
     * it answers is what the supervisor's client has seen on its connection, not whether the
     * connection opens.
     */
    private void checkHealth() {
        List<Process> toKill = new ArrayList<>();
        synchronized (lock) {
            if (stopping) {
                return;
            }
            long now = System.nanoTime();
            for (List<Slot> list : slots.values()) {
                for (Slot s : list) {
                    Optional<Replica> address = s.ready();
                    if (address.isEmpty()) {
                        continue;
                    }
                    if (!client.status(address.get()).answering()) {
                        if (s.unhealthySince == 0) {
                            s.unhealthySince = now;
                        } else if (now - s.unhealthySince > settings.unhealthyTimeout().toNanos() && s.process != null) {
                            log.line(TAG, s.tag() + " has not answered for " + StatusReport.human(settings.unhealthyTimeout())
                                    + " ([multi] unhealthy-timeout); killing it");
                            toKill.add(s.process);
                            s.unhealthySince = 0;
                        }
                    } else {
                        s.unhealthySince = 0;
                    }
                }
            }
        }
        toKill.forEach(Supervisor::kill);
    }

    // ---- status ---------------------------------------------------------------------------

    StatusReport status() {
        synchronized (lock) {
            List<StatusReport.Group> groups = new ArrayList<>();
            for (Plan.Group g : plan.groups()) {
                List<StatusReport.ReplicaReport> replicas = new ArrayList<>();
                for (Slot s : slots.get(g.name())) {
                    Optional<Replica> address = Optional.ofNullable(s.address);
                    String health = s.ready().map(r -> client.status(r).health().name()).orElse("-");
                    replicas.add(new StatusReport.ReplicaReport(s.index, s.state.label(),
                            s.process == null ? OptionalLong.empty() : OptionalLong.of(s.pid()),
                            address.map(Replica::toString), health, Optional.ofNullable(s.since), s.restarts,
                            s.lastExit.isEmpty() ? Optional.empty() : Optional.of(s.lastExit),
                            s.process == null ? Map.of() : s.calls, s.process == null ? Map.of() : s.endpoints));
                }
                groups.add(new StatusReport.Group(g.name(), g.components(), replicas));
            }
            return new StatusReport(application, ProcessHandle.current().pid(), state(), startedAt, clock.instant(),
                    log.file().toString(), groups, endpoints);
        }
    }

    /** The status, its secret and the consolidated log, for the dashboard of the supervisor's process (cleave-observe). */
    io.cleave.runtime.spi.Overview overview() {
        return new io.cleave.runtime.spi.Overview(() -> status().toJson(), statusSecret, log.file());
    }

    /** Holds the lock. */
    private String state() {
        if (stopping) {
            return "stopping";
        }
        boolean looping = slots.values().stream().flatMap(List::stream).anyMatch(s -> s.state == Slot.State.CRASH_LOOP);
        if (looping) {
            return "degraded";
        }
        boolean allRunning = slots.values().stream().flatMap(List::stream).allMatch(s -> s.state == Slot.State.RUNNING);
        return allRunning ? "running" : "starting";
    }

    private void serveStatus() {
        while (!statusServer.isClosed()) {
            try (Socket socket = statusServer.accept()) {
                socket.setSoTimeout(2_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String request = in.readLine();
                OutputStream out = socket.getOutputStream();
                String reply;
                if (request != null && request.startsWith("STATUS ") && MessageDigest.isEqual(request.substring(7)
                        .getBytes(StandardCharsets.UTF_8), statusSecret.getBytes(StandardCharsets.UTF_8))) {
                    reply = Json.write(status().toJson());
                } else {
                    refusedStatus(socket);
                    reply = Json.write(Map.of("error", "refused: a status request is STATUS and the secret in " + stateFile.path()
                            + ", which only the user who started the supervisor can read (cleave status does this)"));
                }
                out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                if (statusServer.isClosed()) {
                    return;
                }
            }
        }
    }

    private void refusedStatus(Socket socket) {
        long now = System.nanoTime();
        if (now - statusRefusalLogged >= TimeUnit.SECONDS.toNanos(10)) {
            statusRefusalLogged = now;
            log.line(TAG, "WARNING refused a status request from " + socket.getRemoteSocketAddress()
                    + " without the supervisor's secret (logged at most every 10 s)");
        }
    }

    // ---- what the supervisor's own process uses ------------------------------------------------

    Invoker invoker(String component) {
        return invokers.get(component);
    }

    Path directory() {
        return directory;
    }

    /** Routing table of a component, as the supervisor publishes it; for tests. */
    List<Replica> routes(String component) {
        return tables.get(component).replicas();
    }

    // ---- stopping -------------------------------------------------------------------------

    /**
     * Stops every child, dependents first: asks each group's replicas to drain and exit, waits
     * up to the drain timeout, then kills what is left. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = true;
            log.line(TAG, "stopping " + application);
            for (List<Slot> list : slots.values()) {
                for (Slot s : list) {
                    if (s.timer != null) {
                        s.timer.cancel(false);
                    }
                    if (s.state == Slot.State.BACKOFF) {
                        s.state = Slot.State.STOPPED;
                    }
                }
            }
        }
        List<Plan.Group> reverse = new ArrayList<>(plan.groups());
        java.util.Collections.reverse(reverse);
        Thread writing = archiver;
        if (writing != null) {
            writing.interrupt(); // ends the dumping JVM too, before the children's lists go
        }
        for (Plan.Group g : reverse) {
            stopGroup(g);
        }
        if (archive != null) {
            ClassDataArchive.forgetClassLists(archive); // the children that wrote them are gone
        }
        closeQuietly(controlServer);
        closeQuietly(statusServer);
        client.close();
        timer.shutdownNow();
        stateFile.delete();
        log.line(TAG, "stopped " + application);
        log.close();
    }

    private void stopGroup(Plan.Group g) {
        List<Process> running = new ArrayList<>();
        List<CompletableFuture<Void>> handled = new ArrayList<>();
        synchronized (lock) {
            for (Slot s : slots.get(g.name())) {
                Process p = s.process;
                if (p == null || !p.isAlive()) {
                    continue;
                }
                s.state = Slot.State.STOPPING;
                running.add(p);
                handled.add(s.exitHandled);
                ControlLine c = s.control;
                boolean told = false;
                if (c != null) {
                    try {
                        c.send(ControlLine.STOP);
                        told = true;
                    } catch (IOException e) {
                        // fall back to a signal
                    }
                }
                if (!told) {
                    p.destroy(); // SIGTERM: Cleave.run's shutdown hook drains
                }
            }
        }
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        for (Process p : running) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    log.line(TAG, g.name() + " pid " + p.pid() + " did not exit within "
                            + StatusReport.human(settings.drainTimeout()) + " ([multi] drain-timeout); killing it");
                    kill(p);
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill(p);
            }
        }
        // Each exit is logged ("... stopped (exit 0)") once its last output is in; wait for those lines.
        for (CompletableFuture<Void> h : handled) {
            try {
                h.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // logged by the handler, or too slow to wait for; stopping goes on
            }
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // shutting down; nothing useful to do
        }
    }

    // ---- the child command line ------------------------------------------------------------

    private static List<String> childCommand(MultiSettings settings, AppOptions options, Path directory) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(settings.jvmOptions());
        if (settings.jvmOptions().stream().noneMatch(o -> o.startsWith("-D" + ONE_LINE_LOGS.substring(2, ONE_LINE_LOGS.indexOf('=') + 1)))) {
            cmd.add(ONE_LINE_LOGS); // the consolidated log stamps each line; java.util.logging need not
        }
        String logging = System.getProperty(LOGGING_CONFIG);
        if (logging != null && settings.jvmOptions().stream().noneMatch(o -> o.startsWith("-D" + LOGGING_CONFIG + "="))) {
            // the children log as the supervisor was told to (./shop: warnings from libraries, info from the app);
            // the one-line format above still wins over the file's, as a system property does
            cmd.add("-D" + LOGGING_CONFIG + "=" + Path.of(logging).toAbsolutePath());
        }
        String classPath = System.getProperty("java.class.path");
        Optional<String> extra = settings.extraClassPath();
        if (extra.isPresent()) {
            classPath = classPath.isEmpty() ? extra.get() : classPath + java.io.File.pathSeparator + extra.get();
        }
        cmd.add("-cp");
        cmd.add(settings.classDataSharing() ? ClassDataArchive.childClassPath(classPath) : classPath);
        cmd.add(GroupMain.class.getName());
        cmd.add("--deployer=" + MultiDeployer.NAME);
        if (options.configFile().isPresent()) {
            cmd.add("--config=" + options.configFile().get().toAbsolutePath());
        } else if (options.configText().isPresent()) {
            Path copy = directory.resolve("cleave.toml");
            Files.deleteIfExists(copy);
            Files.createFile(copy, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(copy, options.configText().get(), StandardCharsets.UTF_8);
            cmd.add("--config=" + copy);
        }
        options.overrides().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> cmd.add("--set=" + e.getKey() + "=" + e.getValue()));
        return List.copyOf(cmd);
    }
}
