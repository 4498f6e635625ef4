package io.cleave.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a running supervisor reports: its groups, their replicas, and each replica's process,
 * address, health and uptime. {@code cleave status} prints {@link #format()}.
 *
 * @param application the application's name
 * @param supervisorPid the supervisor's process id
 * @param state {@code starting}, {@code running}, {@code degraded} (a replica is crash-looping) or {@code stopping}
 * @param startedAt when the supervisor started
 * @param at when this report was taken, by the supervisor's clock
 * @param log the consolidated log file
 * @param groups the groups in start order
 * @param endpoints what the supervisor's own process serves (its metrics URL, by cleave-observe), by name
 */
public record StatusReport(String application, long supervisorPid, String state, Instant startedAt, Instant at, String log,
        List<Group> groups, Map<String, String> endpoints) {

    /** Copies the list and map. */
    public StatusReport {
        groups = List.copyOf(groups);
        endpoints = Map.copyOf(endpoints);
    }

    /**
     * A report of a supervisor that serves no endpoints.
     *
     * @param application the application's name
     * @param supervisorPid the supervisor's process id
     * @param state its state
     * @param startedAt when it started
     * @param at when the report was taken
     * @param log the consolidated log file
     * @param groups the groups in start order
     */
    public StatusReport(String application, long supervisorPid, String state, Instant startedAt, Instant at, String log,
            List<Group> groups) {
        this(application, supervisorPid, state, startedAt, at, log, groups, Map.of());
    }

    /**
     * One colocation group.
     *
     * @param name the group's name: its components joined with {@code +}
     * @param components the components it hosts
     * @param replicas one entry per replica, by index
     */
    public record Group(String name, List<String> components, List<ReplicaReport> replicas) {
        /** Copies the lists. */
        public Group {
            components = List.copyOf(components);
            replicas = List.copyOf(replicas);
        }
    }

    /**
     * One replica of a group.
     *
     * @param index the replica's index in its group, from 0
     * @param state {@code starting}, {@code running}, {@code backoff}, {@code crash-loop}, {@code stopping} or {@code stopped}
     * @param pid the process id of its current process, empty when none runs
     * @param address where it serves calls ({@code host:port}), empty until it is ready
     * @param health what the supervisor's active checks say: {@code HEALTHY}, {@code UNHEALTHY},
     *     {@code EJECTED}, {@code UNKNOWN}, or {@code -} when it is not serving
     * @param since when its current process was launched, empty when none runs
     * @param restarts how many times it was restarted
     * @param lastExit how its previous process ended, such as {@code exit 1: cleave: component Bomb failed to start: boom}; empty if none did
     * @param calls how its calls to each component stand (policies, breaker states), by callee, as it last reported
     * @param endpoints what its process serves for people and tools (its metrics URL, by cleave-observe), by name
     */
    public record ReplicaReport(int index, String state, OptionalLong pid, Optional<String> address, String health,
            Optional<Instant> since, int restarts, Optional<String> lastExit, Map<String, String> calls,
            Map<String, String> endpoints) {

        /** Copies the maps. */
        public ReplicaReport {
            calls = Map.copyOf(calls);
            endpoints = Map.copyOf(endpoints);
        }

        /**
         * A replica that serves no endpoints.
         *
         * @param index its index
         * @param state its state
         * @param pid its process id
         * @param address where it serves calls
         * @param health its health
         * @param since when its process was launched
         * @param restarts how many times it was restarted
         * @param lastExit how its previous process ended
         * @param calls how its calls stand
         */
        public ReplicaReport(int index, String state, OptionalLong pid, Optional<String> address, String health,
                Optional<Instant> since, int restarts, Optional<String> lastExit, Map<String, String> calls) {
            this(index, state, pid, address, health, since, restarts, lastExit, calls, Map.of());
        }

        /**
         * How long its current process has run when the report was taken.
         *
         * @param at the report's time
         * @return the uptime, empty when no process runs
         */
        public Optional<Duration> uptime(Instant at) {
            return since.map(s -> Duration.between(s, at)).map(d -> d.isNegative() ? Duration.ZERO : d);
        }
    }

    /**
     * Finds one replica.
     *
     * @param group a group's name
     * @param index the replica's index
     * @return the replica, empty if there is no such group or index
     */
    public Optional<ReplicaReport> replica(String group, int index) {
        return groups.stream().filter(g -> g.name().equals(group)).flatMap(g -> g.replicas().stream())
                .filter(r -> r.index() == index).findFirst();
    }

    /**
     * The report as a table, as {@code cleave status} prints it.
     *
     * @return lines separated by {@code \n}, ending with one
     */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append("app ").append(application).append("  supervisor pid ").append(supervisorPid).append("  ").append(state)
                .append("  up ").append(human(Duration.between(startedAt, at))).append('\n');
        out.append("log ").append(log).append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"GROUP", "REPLICA", "PID", "ADDRESS", "HEALTH", "UPTIME", "RESTARTS", "STATE"});
        List<String> notes = new ArrayList<>();
        for (Group g : groups) {
            for (ReplicaReport r : g.replicas()) {
                rows.add(new String[] {g.name(), Integer.toString(r.index()),
                    r.pid().isPresent() ? Long.toString(r.pid().getAsLong()) : "-", r.address().orElse("-"), r.health(),
                    r.uptime(at).map(StatusReport::human).orElse("-"), Integer.toString(r.restarts()), r.state()});
                r.lastExit().ifPresent(e -> notes.add(g.name() + "/" + r.index() + " last exit: " + e));
            }
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        for (String note : notes) {
            out.append(note).append('\n');
        }
        List<String> calls = new ArrayList<>();
        for (Group g : groups) {
            for (ReplicaReport r : g.replicas()) {
                new java.util.TreeMap<>(r.calls()).forEach((callee, how) -> calls.add("  " + g.name() + "/" + r.index()
                        + " -> " + callee + ": " + how));
            }
        }
        if (!calls.isEmpty()) {
            out.append("CALLS (from each process to the components it calls: policy; breaker; counts)\n");
            calls.forEach(c -> out.append(c).append('\n'));
        }
        List<String> served = new ArrayList<>();
        new java.util.TreeMap<>(endpoints).forEach((name, url) -> served.add("  supervisor " + name + " " + url));
        for (Group g : groups) {
            for (ReplicaReport r : g.replicas()) {
                new java.util.TreeMap<>(r.endpoints()).forEach((name, url) -> served.add("  " + g.name() + "/" + r.index()
                        + " " + name + " " + url));
            }
        }
        if (!served.isEmpty()) {
            out.append("ENDPOINTS (what each process serves)\n");
            served.forEach(e -> out.append(e).append('\n'));
        }
        return out.toString();
    }

    /**
     * A Prometheus scrape configuration for every process of the application that serves metrics
     * (cleave-observe): the supervisor's own and each running replica's, labelled
     * {@code cleave_group} and {@code cleave_replica}, as {@code cleave prometheus-config} prints
     * it. Ports change when a process is restarted: take the configuration again then.
     *
     * @param interval the scrape interval, in Prometheus's duration syntax, such as {@code 15s}
     * @return a {@code scrape_configs} document in YAML; one without targets when no process serves metrics
     */
    public String prometheusConfig(String interval) {
        StringBuilder out = new StringBuilder();
        out.append("# Prometheus scrape configuration for application ").append(application).append(", from its supervisor's")
                .append(" status at ").append(at).append("\n# (ports change when a process restarts: take it again then)\n");
        out.append("scrape_configs:\n");
        out.append("  - job_name: \"cleave-").append(application).append("\"\n");
        out.append("    scrape_interval: ").append(interval).append("\n");
        out.append("    metrics_path: /metrics\n");
        out.append("    static_configs:\n");
        int targets = 0;
        if (endpoints.containsKey("metrics")) {
            target(out, endpoints.get("metrics"), "supervisor", 0);
            targets++;
        }
        for (Group g : groups) {
            for (ReplicaReport r : g.replicas()) {
                if (r.endpoints().containsKey("metrics")) {
                    target(out, r.endpoints().get("metrics"), g.name(), r.index());
                    targets++;
                }
            }
        }
        if (targets == 0) {
            out.append("      []  # no process serves metrics: put cleave-observe on the application's class path\n");
        }
        return out.toString();
    }

    private static void target(StringBuilder out, String url, String group, int replica) {
        java.net.URI uri = java.net.URI.create(url);
        out.append("      - targets: [\"").append(uri.getHost()).append(':').append(uri.getPort()).append("\"]\n");
        out.append("        labels: {cleave_group: \"").append(group).append("\", cleave_replica: \"").append(replica)
                .append("\"}\n");
    }

    /** {@code 3h2m}, {@code 4m10s}, {@code 12s}, {@code 850ms}. */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60) + "s";
        }
        return (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }

    /**
     * The report as one line of JSON, as the supervisor sends it and {@code cleave status --json} prints it.
     *
     * @return the JSON document
     */
    public String json() {
        return Json.write(toJson());
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("application", application);
        m.put("supervisorPid", supervisorPid);
        m.put("state", state);
        m.put("startedAt", startedAt.toString());
        m.put("at", at.toString());
        m.put("log", log);
        List<Object> gs = new ArrayList<>();
        for (Group g : groups) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("name", g.name());
            gm.put("components", List.copyOf(g.components()));
            List<Object> rs = new ArrayList<>();
            for (ReplicaReport r : g.replicas()) {
                Map<String, Object> rm = new LinkedHashMap<>();
                rm.put("index", r.index());
                rm.put("state", r.state());
                r.pid().ifPresent(p -> rm.put("pid", p));
                r.address().ifPresent(a -> rm.put("address", a));
                rm.put("health", r.health());
                r.since().ifPresent(s -> rm.put("since", s.toString()));
                rm.put("restarts", r.restarts());
                r.lastExit().ifPresent(e -> rm.put("lastExit", e));
                rm.put("calls", new LinkedHashMap<>(new java.util.TreeMap<>(r.calls())));
                rm.put("endpoints", new LinkedHashMap<>(new java.util.TreeMap<>(r.endpoints())));
                rs.add(rm);
            }
            gm.put("replicas", rs);
            gs.add(gm);
        }
        m.put("groups", gs);
        m.put("endpoints", new LinkedHashMap<>(new java.util.TreeMap<>(endpoints)));
        return m;
    }

    private static Map<String, String> calls(Object json) {
        Map<String, String> calls = new LinkedHashMap<>();
        if (json instanceof Map<?, ?> m) {
            m.forEach((k, v) -> calls.put(String.valueOf(k), String.valueOf(v)));
        }
        return calls;
    }

    /** @throws IllegalArgumentException if the document is not a status report */
    static StatusReport fromJson(Object json) {
        try {
            Map<?, ?> m = (Map<?, ?>) json;
            List<Group> groups = new ArrayList<>();
            for (Object go : (List<?>) m.get("groups")) {
                Map<?, ?> gm = (Map<?, ?>) go;
                List<ReplicaReport> replicas = new ArrayList<>();
                for (Object ro : (List<?>) gm.get("replicas")) {
                    Map<?, ?> rm = (Map<?, ?>) ro;
                    replicas.add(new ReplicaReport(((Long) rm.get("index")).intValue(), (String) rm.get("state"),
                            rm.get("pid") instanceof Long p ? OptionalLong.of(p) : OptionalLong.empty(),
                            Optional.ofNullable((String) rm.get("address")), (String) rm.get("health"),
                            Optional.ofNullable((String) rm.get("since")).map(Instant::parse),
                            ((Long) rm.get("restarts")).intValue(), Optional.ofNullable((String) rm.get("lastExit")),
                            calls(rm.get("calls")), calls(rm.get("endpoints"))));
                }
                List<String> components = new ArrayList<>();
                for (Object c : (List<?>) gm.get("components")) {
                    components.add((String) c);
                }
                groups.add(new Group((String) gm.get("name"), components, replicas));
            }
            return new StatusReport((String) m.get("application"), (Long) m.get("supervisorPid"), (String) m.get("state"),
                    Instant.parse((String) m.get("startedAt")), Instant.parse((String) m.get("at")), (String) m.get("log"),
                    groups, calls(m.get("endpoints")));
        } catch (ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a supervisor status report: " + e.getMessage(), e);
        }
    }
}
