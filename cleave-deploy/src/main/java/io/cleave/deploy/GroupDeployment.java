package io.cleave.deploy;

import io.cleave.StartupException;
import io.cleave.runtime.spi.Deployment;
import io.cleave.runtime.spi.Gateway;
import io.cleave.runtime.spi.TransportSettings;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Invoker;
import io.cleave.transport.CertificateAuthority;
import io.cleave.transport.Credentials;
import io.cleave.transport.Replica;
import io.cleave.transport.RoutingTable;
import io.cleave.transport.RpcClient;
import io.cleave.transport.RpcServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A child process's part: the components of one group, served over the transport once they
 * started, and clients for the others whose routing tables the supervisor keeps current.
 */
final class GroupDeployment implements Deployment {

    private static final System.Logger LOG = System.getLogger("cleave.multi");

    /** How long a child waits for its supervisor's GO before giving up. */
    private static final Duration GO_TIMEOUT = Duration.ofSeconds(60);
    /** After the supervisor is gone, the longest a child may take to drain before it halts. */
    private static final Duration ORPHAN_HALT_AFTER = Duration.ofSeconds(30);

    private final Identity identity;
    private final Set<String> hosted;
    private final Map<String, ComponentDescriptor<?>> descriptors = new LinkedHashMap<>();
    private final Map<String, RoutingTable> tables = new LinkedHashMap<>();
    /** Made once the supervisor said GO: with the certificate it issued, when it issues them. */
    private volatile RpcClient client;
    private final TransportSettings transport;
    private final ControlLine control;
    private final GraphAuthorizer authorizer;
    /** This process's credentials: issued by the supervisor (after HELLO), or read from files; null without TLS. */
    private volatile Credentials credentials;
    /** The key whose certificate the supervisor is asked for, until its CERT arrives; only with an issuing supervisor. */
    private volatile KeyPair pending;
    /** Renews the certificate, or reads its files again. */
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("cleave-certificates").factory());
    private volatile RpcServer server;
    private volatile java.util.function.Supplier<Map<String, String>> calls = Map::of;
    private volatile boolean stopping;
    /** Each listener's configured address when a gateway serves them; empty without one. */
    private final Map<String, InetSocketAddress> fronted;
    /** In the gateway's group: the gateway to start after GO. */
    private final Optional<Front> front;
    /** The gateway serving, once started (gateway's group only). */
    private volatile Gateway.Running gateway;
    /** Listeners' replicas the supervisor sent before the gateway started, by listener (guarded by this). */
    private final Map<String, List<URI>> upstreams = new LinkedHashMap<>();

    /**
     * The gateway a process of the gateway's group runs.
     *
     * @param gateway what runs it
     * @param section the {@code [gateway]} section
     */
    record Front(Gateway gateway, ConfigSection section) {
    }

    /**
     * Who this child is, from the system properties the supervisor set.
     *
     * @param control the supervisor's control address
     * @param group the group to host
     * @param replica the replica index
     * @param token proves the connection comes from a child of this supervisor
     */
    record Identity(Replica control, String group, int replica, String token) {

        static final String CONTROL = "cleave.multi.control";
        static final String GROUP = "cleave.multi.group";
        static final String REPLICA = "cleave.multi.replica";
        static final String TOKEN_VARIABLE = "CLEAVE_SUPERVISOR_TOKEN";

        /** @return this process's identity when a supervisor started it */
        static Optional<Identity> ofThisProcess() {
            String control = System.getProperty(CONTROL);
            if (control == null) {
                return Optional.empty();
            }
            String group = System.getProperty(GROUP, "");
            String replica = System.getProperty(REPLICA, "");
            String token = System.getenv(TOKEN_VARIABLE);
            if (group.isEmpty() || !replica.matches("[0-9]{1,4}") || token == null) {
                throw new StartupException("deployer multi: this process has -D" + CONTROL + " but not a valid -D" + GROUP
                        + ", -D" + REPLICA + " and " + TOKEN_VARIABLE + "; child processes are started by the supervisor");
            }
            return Optional.of(new Identity(Replica.parse(control), group, Integer.parseInt(replica), token));
        }

        String tag() {
            return group + "/" + replica;
        }
    }

    private GroupDeployment(Identity identity, Plan.Group group, List<ComponentDescriptor<?>> components,
            TransportSettings transport, ControlLine control, GraphAuthorizer authorizer, Credentials credentials, KeyPair pending,
            Map<String, InetSocketAddress> fronted, Optional<Front> front) {
        this.identity = identity;
        this.fronted = fronted;
        this.front = front;
        this.transport = transport;
        this.hosted = Set.copyOf(group.components());
        this.control = control;
        this.authorizer = authorizer;
        this.credentials = credentials;
        this.pending = pending;
        for (ComponentDescriptor<?> c : components) {
            descriptors.put(c.name(), c);
            if (!hosted.contains(c.name())) {
                tables.put(c.name(), RoutingTable.of());
            }
        }
    }

    /**
     * Connects to the supervisor, says who this process is, applies the routes it sends, and
     * returns when it says GO.
     *
     * @throws StartupException if the supervisor cannot be reached, refuses, or does not answer
     */
    static GroupDeployment join(Identity identity, String application, Plan plan, List<ComponentDescriptor<?>> components,
            TransportSettings transport, Optional<Front> gateway) {
        Plan.Group group = plan.group(identity.group()).orElseThrow(() -> new StartupException("deployer multi: the supervisor"
                + " started this process for group " + identity.group() + ", which this configuration does not have (groups: "
                + String.join(", ", plan.groups().stream().map(Plan.Group::name).toList())
                + "); did cleave.toml change since the supervisor started?"));
        TransportSettings.Tls tls = transport.tls();
        Credentials credentials = null;
        KeyPair keys = null;
        if (!tls.enabled()) {
            LOG.log(System.Logger.Level.WARNING, identity.tag() + ": " + Transport.plaintextWarning(transport));
        } else if (tls.fromFiles()) {
            credentials = Certificates.fromFiles(tls, identity.group(),
                    io.cleave.transport.Identity.replica(application, identity.group(), identity.replica()));
        } else {
            keys = CertificateAuthority.newKeyPair(); // its private half never leaves this process
        }
        ControlLine control;
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(identity.control().host(), identity.control().port()), 5_000);
            control = new ControlLine(socket);
            control.timeout(GO_TIMEOUT);
            control.send(ControlLine.HELLO, identity.token(), identity.group(), Integer.toString(identity.replica()),
                    Long.toString(ProcessHandle.current().pid()), keys == null ? "-" : Certificates.word(keys.getPublic()));
        } catch (IOException e) {
            throw new StartupException("deployer multi: cannot reach the supervisor at " + identity.control() + ": "
                    + e.getMessage(), e);
        }
        GroupDeployment deployment = new GroupDeployment(identity, group, components, transport, control,
                GraphAuthorizer.of(components, plan), credentials, keys, plan.fronted(),
                plan.isGateway(group) ? gateway : Optional.empty());
        try {
            deployment.awaitGo();
        } catch (IOException | RuntimeException e) {
            deployment.close();
            throw e instanceof StartupException s ? s
                    : new StartupException("deployer multi: lost the supervisor at " + identity.control()
                            + " before it said GO: " + e.getMessage(), e);
        }
        try {
            deployment.startGateway(application);
        } catch (RuntimeException e) {
            deployment.close();
            throw e;
        }
        Thread.ofPlatform().daemon().name("cleave-control").start(deployment::listen);
        return deployment;
    }

    private void awaitGo() throws IOException {
        while (true) {
            Optional<List<String>> message = control.read();
            if (message.isEmpty()) {
                throw new StartupException("deployer multi: the supervisor closed the control connection before GO");
            }
            List<String> words = message.get();
            if (words.get(0).equals(ControlLine.GO)) {
                control.timeout(Duration.ZERO);
                if (transport.tls().enabled() && credentials == null) {
                    throw new StartupException("deployer multi: the supervisor said GO without issuing this process a certificate");
                }
                client = Transport.client(transport, Optional.ofNullable(credentials)).build();
                if (credentials != null && transport.tls().fromFiles()) {
                    long check = Certificates.FILE_CHECK.toMillis();
                    renewals.scheduleWithFixedDelay(this::reloadCertificate, check, check, TimeUnit.MILLISECONDS);
                }
                return;
            }
            if (words.get(0).equals(ControlLine.DENY)) {
                throw new StartupException("deployer multi: the supervisor refused this process: "
                        + String.join(" ", words.subList(1, words.size())));
            }
            apply(words);
        }
    }

    /** Follows the supervisor until it says STOP or goes away; either way this process drains and exits. */
    private void listen() {
        String why;
        try {
            while (true) {
                Optional<List<String>> message = control.read();
                if (message.isEmpty()) {
                    why = "the supervisor is gone (control connection closed)";
                    break;
                }
                List<String> words = message.get();
                if (words.get(0).equals(ControlLine.STOP)) {
                    why = "the supervisor asked this process to stop";
                    break;
                }
                apply(words);
            }
        } catch (IOException | RuntimeException e) {
            why = "the control connection failed: " + e.getMessage();
        }
        if (stopping) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, identity.tag() + ": " + why + "; draining and exiting");
        // The supervisor may be gone: never outlive it by more than the halt delay, even if draining hangs.
        Thread.ofPlatform().daemon().name("cleave-orphan-halt").start(() -> {
            try {
                Thread.sleep(ORPHAN_HALT_AFTER.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(3);
        });
        System.exit(0); // runs the shutdown hook of Cleave.run, which drains and stops the components
    }

    /** In the gateway's group: serves the listeners' addresses, over the replicas the supervisor sent so far. */
    private void startGateway(String application) {
        if (front.isEmpty()) {
            return;
        }
        Gateway.Running running;
        try {
            running = front.get().gateway().start(application, front.get().section(), fronted, gatewayToken(identity));
        } catch (Exception e) {
            throw new StartupException("gateway: cannot serve " + fronted + ": " + e.getMessage(), e);
        }
        synchronized (this) {
            upstreams.forEach(running::upstreams);
            gateway = running;
        }
        LOG.log(System.Logger.Level.INFO, identity.tag() + " serves " + running.endpoints().values() + " in front of "
                + upstreams);
    }

    /** The replicas of a listener changed: the gateway sends its requests to these from now on. */
    private void upstream(String listener, List<URI> replicas) {
        Gateway.Running running;
        synchronized (this) {
            upstreams.put(listener, replicas);
            running = gateway;
        }
        if (running != null) {
            running.upstreams(listener, replicas);
        }
    }

    @Override
    public Optional<String> gatewayToken() {
        return !fronted.isEmpty() && front.isEmpty() ? Optional.of(gatewayToken(identity)) : Optional.empty();
    }

    /**
     * The token the gateway presents to the listeners: what every process of this deployment
     * can derive from the supervisor's token and no other can, and not the supervisor's token
     * itself, which the control port takes.
     */
    static String gatewayToken(Identity identity) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(identity.token().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal("cleave gateway".getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private void apply(List<String> words) {
        if (words.get(0).equals(ControlLine.UPSTREAM) && words.size() == 3) {
            upstream(words.get(1), ControlLine.parseUrls(words.get(2)));
            return;
        }
        if (words.get(0).equals(ControlLine.CERT) && words.size() == 3) {
            certified(Certificates.certificates(words.get(1)), Certificates.certificates(words.get(2)));
            return;
        }
        if (words.get(0).equals(ControlLine.ROUTE) && words.size() == 3) {
            RoutingTable table = tables.get(words.get(1));
            if (table != null) {
                table.replaceAll(ControlLine.parseAddresses(words.get(2)));
            }
            return;
        }
        LOG.log(System.Logger.Level.WARNING, identity.tag() + ": ignoring unknown control message " + words);
    }

    /**
     * The supervisor certified the pending key: the first certificate, or a renewal, which new
     * connections present from now on (open ones go on). Renewed again after two thirds of its time.
     */
    private void certified(List<X509Certificate> chain, List<X509Certificate> trusted) {
        KeyPair keys = pending;
        if (keys == null || !chain.get(0).getPublicKey().equals(keys.getPublic())) {
            LOG.log(System.Logger.Level.WARNING, identity.tag() + ": ignoring a certificate for a key this process did not ask about");
            return;
        }
        pending = null;
        Credentials c = credentials;
        if (c == null) {
            credentials = Credentials.create(keys.getPrivate(), chain, trusted);
        } else {
            c.trust(trusted);
            c.update(keys.getPrivate(), chain);
            LOG.log(System.Logger.Level.INFO, identity.tag() + " renewed its certificate, valid until "
                    + chain.get(0).getNotAfter().toInstant());
        }
        Duration after = Certificates.renewAfter(chain.get(0), Instant.now());
        renewals.schedule(this::renew, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks the supervisor to certify a new key; asks again if no certificate came within a tenth of the lifetime. */
    private void renew() {
        if (stopping) {
            return;
        }
        KeyPair keys = CertificateAuthority.newKeyPair();
        pending = keys;
        try {
            control.send(ControlLine.RENEW, Certificates.word(keys.getPublic()));
        } catch (IOException e) {
            return; // the supervisor is gone; this process drains and exits
        }
        long retry = Math.max(1_000, transport.tls().certificateLifetime().toMillis() / 10);
        renewals.schedule(() -> {
            if (pending == keys) {
                LOG.log(System.Logger.Level.WARNING, identity.tag() + ": no certificate for the renewed key yet; asking again");
                renew();
            }
        }, retry, TimeUnit.MILLISECONDS);
    }

    private void reloadCertificate() {
        try {
            if (credentials.reload()) {
                LOG.log(System.Logger.Level.INFO, identity.tag() + " read its renewed certificate, valid until "
                        + credentials.certificate().getNotAfter().toInstant());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, identity.tag() + ": cannot read the certificate files again; keeping the"
                    + " current ones: " + e.getMessage());
        }
    }

    @Override
    public boolean hosts(ComponentDescriptor<?> component) {
        return hosted.contains(component.name());
    }

    @Override
    public Invoker remote(ComponentDescriptor<?> component) {
        RoutingTable table = tables.get(component.name());
        if (table == null) {
            throw new IllegalStateException("component " + component.name() + " is hosted in group " + identity.group());
        }
        return client.invoker(component.name(), table);
    }

    @Override
    public void started(Map<String, Object> instances) throws IOException {
        RpcServer.Builder builder = Transport.server(transport, Optional.ofNullable(credentials), authorizer).port(0);
        if (instances.isEmpty()) {
            builder.hostsNothing(); // the gateway's process: the supervisor's pings still find out whether it answers
        }
        for (Map.Entry<String, Object> e : instances.entrySet()) {
            host(builder, descriptors.get(e.getKey()), e.getValue());
        }
        server = builder.start();
        control.send(ControlLine.READY, new Replica(transport.advertisedHost(), server.address().getPort()).toString());
        Thread.ofVirtual().name("cleave-calls-report").start(this::reportCalls);
        LOG.log(System.Logger.Level.INFO, identity.tag() + " (pid " + ProcessHandle.current().pid() + ") serves "
                + instances.keySet() + " on " + server.address().getHostString() + ":" + server.address().getPort());
    }

    @Override
    public void endpoints(Map<String, String> announced) {
        Map<String, String> endpoints = new LinkedHashMap<>(announced);
        Gateway.Running running = gateway;
        if (running != null) {
            endpoints.putAll(running.endpoints());
        }
        if (endpoints.isEmpty()) {
            return;
        }
        try {
            control.send(ControlLine.ENDPOINTS, Json.write(endpoints));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, identity.tag() + " could not tell the supervisor its endpoints: " + e.getMessage());
        }
    }

    @Override
    public void observe(java.util.function.Supplier<Map<String, String>> states) {
        this.calls = states;
    }

    /** Tells the supervisor how this process's calls stand, once a second when that changed. */
    private void reportCalls() {
        Map<String, String> sent = Map.of();
        while (!stopping) {
            Map<String, String> now = calls.get();
            if (!now.equals(sent)) {
                try {
                    control.send(ControlLine.CALLS, Json.write(now));
                    sent = now;
                } catch (IOException e) {
                    return; // the supervisor is gone; listen() drains and exits
                }
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static <T> void host(RpcServer.Builder builder, ComponentDescriptor<T> descriptor, Object instance) {
        builder.host(descriptor, descriptor.type().cast(instance));
    }

    @Override
    public void stopping() {
        stopping = true;
        Gateway.Running running = gateway;
        if (running != null) {
            running.close(); // takes no new requests, finishes those in flight
        }
        RpcServer s = server;
        if (s != null) {
            s.close(); // GOAWAY, then waits for calls in flight
        }
    }

    @Override
    public void close() {
        stopping = true;
        renewals.shutdownNow();
        RpcClient c = client;
        if (c != null) {
            c.close();
        }
        control.close();
    }
}
