package io.cleave.kube;

import io.cleave.transport.Replica;
import io.cleave.transport.RoutingTable;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Keeps routing tables equal to the ready endpoints of Kubernetes Services: per Service, an
 * informer (a list, then a watch, re-listed when the watch breaks) on the EndpointSlices
 * labelled {@code kubernetes.io/service-name=<service>}; on every change the tables of the
 * components behind that Service are replaced with the ready addresses on the port named
 * {@code rpc}. The same tables the {@code multi} supervisor feeds over its control line.
 */
final class EndpointSliceDiscovery implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("cleave.kube");

    private final List<SharedIndexInformer<EndpointSlice>> informers = new ArrayList<>();

    private EndpointSliceDiscovery() {
    }

    /**
     * Starts watching.
     *
     * @param client the API server's client
     * @param namespace where the Services are
     * @param tables per Service name, the routing tables of the components behind it
     * @return the running discovery; close it to stop watching
     */
    static EndpointSliceDiscovery start(KubernetesClient client, String namespace, Map<String, List<RoutingTable>> tables) {
        List<Watch> watches = new ArrayList<>();
        tables.forEach((service, routed) -> watches.add(new Watch(service, Names.RPC_PORT,
                replicas -> routed.forEach(t -> t.replaceAll(replicas)))));
        return watch(client, namespace, watches);
    }

    /**
     * What to follow: a Service's ready endpoints on one of its ports.
     *
     * @param service the Service's name
     * @param port the name of the port in its EndpointSlices, such as {@code rpc} or a listener's
     * @param replicas given every ready address on that port after every change (all slices of the Service)
     */
    record Watch(String service, String port, Consumer<Set<Replica>> replicas) {
    }

    /**
     * Starts watching.
     *
     * @param client the API server's client
     * @param namespace where the Services are
     * @param watches what to follow, an informer each
     * @return the running discovery; close it to stop watching
     */
    static EndpointSliceDiscovery watch(KubernetesClient client, String namespace, List<Watch> watches) {
        EndpointSliceDiscovery d = new EndpointSliceDiscovery();
        watches.forEach(watch -> {
            String service = watch.service();
            SharedIndexInformer<EndpointSlice> informer = client.discovery().v1().endpointSlices().inNamespace(namespace)
                    .withLabel(Names.SERVICE_NAME, service).runnableInformer(0);
            informer.addEventHandler(new Follower(watch));
            // an API server that cannot be reached is retried, never given up on; the start does not wait for it
            informer.exceptionHandler((started, failure) -> {
                LOG.log(System.Logger.Level.WARNING, "EndpointSlices of service " + service + " in " + namespace
                        + ": " + failure + "; retrying");
                return true;
            });
            informer.start();
            d.informers.add(informer);
        });
        return d;
    }

    /** The replicas a slice offers: its ready endpoints' addresses on the {@code rpc} port. */
    static Set<Replica> replicas(EndpointSlice slice) {
        return replicas(slice, Names.RPC_PORT);
    }

    /** The replicas a slice offers: its ready endpoints' addresses on the port of that name. */
    static Set<Replica> replicas(EndpointSlice slice, String portName) {
        Set<Replica> out = new LinkedHashSet<>();
        Integer port = null;
        for (EndpointPort p : slice.getPorts() == null ? List.<EndpointPort>of() : slice.getPorts()) {
            if (portName.equals(p.getName()) && p.getPort() != null) {
                port = p.getPort();
            }
        }
        if (port == null || slice.getEndpoints() == null) {
            return out;
        }
        for (Endpoint e : slice.getEndpoints()) {
            // ready unset means ready (the API's own rule); a terminating pod is not ready
            boolean ready = e.getConditions() == null || e.getConditions().getReady() == null || e.getConditions().getReady();
            if (ready && e.getAddresses() != null) {
                for (String address : e.getAddresses()) {
                    out.add(new Replica(address, port));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }

    /** One Service's slices, by name, folded into its tables on every event. */
    private static final class Follower implements ResourceEventHandler<EndpointSlice> {

        private final Watch watch;
        private final Map<String, Set<Replica>> slices = new TreeMap<>();

        Follower(Watch watch) {
            this.watch = watch;
        }

        @Override
        public synchronized void onAdd(EndpointSlice slice) {
            slices.put(slice.getMetadata().getName(), replicas(slice, watch.port()));
            publish();
        }

        @Override
        public synchronized void onUpdate(EndpointSlice before, EndpointSlice slice) {
            onAdd(slice);
        }

        @Override
        public synchronized void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
            slices.remove(slice.getMetadata().getName());
            publish();
        }

        private void publish() {
            Set<Replica> all = new LinkedHashSet<>();
            slices.values().forEach(all::addAll);
            watch.replicas().accept(java.util.Collections.unmodifiableSet(all));
            LOG.log(System.Logger.Level.DEBUG, () -> "service " + watch.service() + " port " + watch.port() + ": replicas " + all);
        }
    }
}
