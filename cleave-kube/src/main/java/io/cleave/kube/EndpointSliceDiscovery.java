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
        EndpointSliceDiscovery d = new EndpointSliceDiscovery();
        tables.forEach((service, routed) -> {
            SharedIndexInformer<EndpointSlice> informer = client.discovery().v1().endpointSlices().inNamespace(namespace)
                    .withLabel(Names.SERVICE_NAME, service).runnableInformer(0);
            informer.addEventHandler(new Follower(service, routed));
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
        Set<Replica> out = new LinkedHashSet<>();
        Integer port = null;
        for (EndpointPort p : slice.getPorts() == null ? List.<EndpointPort>of() : slice.getPorts()) {
            if (Names.RPC_PORT.equals(p.getName()) && p.getPort() != null) {
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

        private final String service;
        private final List<RoutingTable> tables;
        private final Map<String, Set<Replica>> slices = new TreeMap<>();

        Follower(String service, List<RoutingTable> tables) {
            this.service = service;
            this.tables = tables;
        }

        @Override
        public synchronized void onAdd(EndpointSlice slice) {
            slices.put(slice.getMetadata().getName(), replicas(slice));
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
            tables.forEach(t -> t.replaceAll(all));
            LOG.log(System.Logger.Level.DEBUG, () -> "service " + service + ": replicas " + all);
        }
    }
}
