package io.cleave.kube;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code [kube]}, {@code [kube.resources]} and {@code [kube.autoscale]}: what the manifests say
 * beyond the groups and replica counts of {@code [multi]}. Every key is optional; the module
 * README has the table.
 *
 * @param namespace the namespace every object is written to and discovery watches
 * @param image the application's image, the same for every group
 * @param imagePullPolicy {@code IfNotPresent}, {@code Always} or {@code Never}
 * @param rpcPort the container port every group's transport server listens on
 * @param adminPort the container port of the probes' endpoint ({@code /live}, {@code /ready})
 * @param preStopDelay how long a pod keeps serving after Kubernetes asked it to stop, so that
 *     callers learn it is gone (its EndpointSlice entry turns not-ready) before it drains
 * @param drainTimeout how long draining (calls in flight finish, components stop) may take
 * @param tlsSecret the secret holding each group's certificate ({@code tls.crt}, {@code tls.key},
 *     {@code ca.crt}); {@code {group}} stands for the group's DNS name
 * @param databaseSecret the secret with keys {@code url}, {@code user}, {@code password} for
 *     {@code [data]}; empty for none
 * @param resources requests and limits of every container
 * @param autoscale the horizontal pod autoscaler of every group
 * @param gateway the gateway's Secrets and Service, with {@code [gateway]}; empty without
 */
record KubeSettings(String namespace, String image, String imagePullPolicy, int rpcPort, int adminPort,
        Duration preStopDelay, Duration drainTimeout, String tlsSecret, Optional<String> databaseSecret,
        Resources resources, Autoscale autoscale, Optional<GatewaySettings> gateway) {

    static final Set<String> KEYS = Set.of("namespace", "image", "image-pull-policy", "rpc-port", "admin-port",
            "pre-stop-delay", "drain-timeout", "tls-secret", "database-secret", "gateway-token-secret",
            "gateway-tls-secret", "gateway-service-type");
    static final Set<String> GATEWAY_KEYS = Set.of("gateway-token-secret", "gateway-tls-secret", "gateway-service-type");
    static final Set<String> SERVICE_TYPES = Set.of("LoadBalancer", "NodePort", "ClusterIP");

    /**
     * What {@code [kube]} says of the gateway.
     *
     * @param tokenSecret the Secret whose key {@code token} the gateway presents and the listeners expect
     * @param tlsSecret the Secret with the gateway's certificate ({@code tls.crt}, {@code tls.key}); empty
     *     for none ({@code [gateway]}'s own TLS settings, if any, then name files in the image)
     * @param serviceType the type of the gateway's Service, {@code LoadBalancer} by default
     */
    record GatewaySettings(String tokenSecret, Optional<String> tlsSecret, String serviceType) {
    }
    static final Set<String> RESOURCE_KEYS = Set.of("cpu-request", "memory-request", "cpu-limit", "memory-limit");
    static final Set<String> AUTOSCALE_KEYS = Set.of("cpu-target", "min", "max");

    /**
     * @param cpuRequest such as {@code 250m}
     * @param memoryRequest such as {@code 256Mi}
     * @param cpuLimit empty for none (CPU is throttled, not killed: most clusters leave it unset)
     * @param memoryLimit such as {@code 512Mi}
     */
    record Resources(String cpuRequest, String memoryRequest, Optional<String> cpuLimit, String memoryLimit) {
    }

    /**
     * @param cpuTarget average CPU utilisation, percent of the request, the autoscaler aims for
     * @param min the fewest replicas; empty for the group's {@code [multi.replicas]} count
     * @param max the most replicas; empty for three times the minimum
     */
    record Autoscale(int cpuTarget, Optional<Integer> min, Optional<Integer> max) {

        int minFor(int replicas) {
            return min.orElse(replicas);
        }

        int maxFor(int replicas) {
            return max.orElse(3 * minFor(replicas));
        }
    }

    /**
     * Reads the sections.
     *
     * @param application the application's name, for the defaults of image and secret names
     * @throws ConfigError naming the section and key at fault and what would be valid
     */
    static KubeSettings read(String application, ConfigSection kube, ConfigSection resources, ConfigSection autoscale) {
        return read(application, kube, resources, autoscale, false);
    }

    /**
     * Reads the sections.
     *
     * @param application the application's name, for the defaults of image and secret names
     * @param gateway whether {@code cleave.toml} has a {@code [gateway]}, without which the
     *     {@code gateway-*} keys would do nothing and are refused
     * @throws ConfigError naming the section and key at fault and what would be valid
     */
    static KubeSettings read(String application, ConfigSection kube, ConfigSection resources, ConfigSection autoscale,
            boolean gateway) {
        kube.rejectUnknown(KEYS);
        kube.rejectUnknownSubsections(Set.of("resources", "autoscale"), "[kube] has the tables [kube.resources] and [kube.autoscale]");
        resources.rejectUnknown(RESOURCE_KEYS);
        autoscale.rejectUnknown(AUTOSCALE_KEYS);
        String policy = kube.has("image-pull-policy") ? kube.string("image-pull-policy") : "IfNotPresent";
        if (!Set.of("IfNotPresent", "Always", "Never").contains(policy)) {
            throw new ConfigError("[kube] image-pull-policy = \"" + policy + "\": valid are \"IfNotPresent\", \"Always\", \"Never\"");
        }
        String namespace = kube.has("namespace") ? kube.string("namespace") : "default";
        if (!Names.isDnsLabel(namespace)) {
            throw new ConfigError("[kube] namespace = \"" + namespace + "\": a namespace is a DNS label (lower-case letters,"
                    + " digits and '-', at most 63, starting and ending with a letter or digit)");
        }
        int rpc = port(kube, "rpc-port", 7000);
        int admin = port(kube, "admin-port", 9090);
        if (rpc == admin) {
            throw new ConfigError("[kube] rpc-port and admin-port are both " + rpc + "; give them different ports");
        }
        Resources r = new Resources(quantity(resources, "cpu-request", "250m"), quantity(resources, "memory-request", "256Mi"),
                resources.has("cpu-limit") ? Optional.of(quantity(resources, "cpu-limit", "")) : Optional.empty(),
                quantity(resources, "memory-limit", "512Mi"));
        int target = autoscale.has("cpu-target") ? autoscale.int32("cpu-target") : 70;
        if (target < 1 || target > 100) {
            throw new ConfigError("[kube.autoscale] cpu-target = " + target + ": a percentage of the CPU request, 1 to 100");
        }
        Optional<Integer> min = autoscale.has("min") ? Optional.of(autoscale.int32("min")) : Optional.empty();
        Optional<Integer> max = autoscale.has("max") ? Optional.of(autoscale.int32("max")) : Optional.empty();
        if (min.isPresent() && min.get() < 1) {
            throw new ConfigError("[kube.autoscale] min = " + min.get() + ": at least 1");
        }
        if (max.isPresent() && max.get() < min.orElse(1)) {
            throw new ConfigError("[kube.autoscale] max = " + max.get() + ": at least min (" + min.orElse(1) + ")");
        }
        return new KubeSettings(namespace, kube.has("image") ? kube.string("image") : application + ":latest", policy, rpc, admin,
                kube.positiveDuration("pre-stop-delay", Duration.ofSeconds(5)),
                kube.positiveDuration("drain-timeout", Duration.ofSeconds(15)),
                kube.has("tls-secret") ? kube.string("tls-secret") : application + "-{group}-tls",
                kube.has("database-secret") ? Optional.of(kube.string("database-secret")) : Optional.empty(),
                r, new Autoscale(target, min, max), gateway ? Optional.of(gateway(application, kube)) : noGateway(kube));
    }

    private static GatewaySettings gateway(String application, ConfigSection kube) {
        String type = kube.has("gateway-service-type") ? kube.string("gateway-service-type") : "LoadBalancer";
        if (!SERVICE_TYPES.contains(type)) {
            throw new ConfigError("[kube] gateway-service-type = \"" + type + "\": valid are \"LoadBalancer\", \"NodePort\","
                    + " \"ClusterIP\"");
        }
        return new GatewaySettings(
                kube.has("gateway-token-secret") ? kube.string("gateway-token-secret") : Names.dns(application) + "-gateway-token",
                kube.has("gateway-tls-secret") ? Optional.of(kube.string("gateway-tls-secret")) : Optional.empty(), type);
    }

    private static Optional<GatewaySettings> noGateway(ConfigSection kube) {
        for (String key : new java.util.TreeSet<>(GATEWAY_KEYS)) {
            if (kube.has(key)) {
                throw new ConfigError("[kube] " + key + " configures the gateway, and cleave.toml has no [gateway];"
                        + " add [gateway] or remove the key");
            }
        }
        return Optional.empty();
    }

    /** The grace Kubernetes gives a pod between SIGTERM and SIGKILL: the pre-stop delay, then the drain. */
    long terminationGraceSeconds() {
        return preStopDelay.toSeconds() + drainTimeout.toSeconds() + 5;
    }

    String tlsSecretOf(String groupDnsName) {
        return tlsSecret.replace("{group}", groupDnsName);
    }

    private static int port(ConfigSection section, String key, int fallback) {
        int port = section.has(key) ? section.int32(key) : fallback;
        if (port < 1 || port > 65535) {
            throw new ConfigError("[" + section.path() + "] " + key + " = " + port + ": a port is 1 to 65535");
        }
        return port;
    }

    private static String quantity(ConfigSection section, String key, String fallback) {
        String q = section.has(key) ? section.string(key) : fallback;
        if (!q.matches("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?")) {
            throw new ConfigError("[" + section.path() + "] " + key + " = \"" + q + "\": a Kubernetes quantity such as"
                    + " \"250m\" (CPU) or \"512Mi\" (memory)");
        }
        return q;
    }
}
