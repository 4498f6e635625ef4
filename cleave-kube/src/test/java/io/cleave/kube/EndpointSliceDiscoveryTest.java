package io.cleave.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.transport.Replica;
import io.cleave.transport.RoutingTable;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Discovery against fabric8's Kubernetes mock server in CRUD mode, the only API server that
 * runs on this machine: it stores what is written and sends watch events, as an API server
 * does, but runs no EndpointSlice controller, so the test writes the slices itself.
 */
@EnableKubernetesMockClient(crud = true)
class EndpointSliceDiscoveryTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    /**
     * A mock server per test: the mock server's event loop can stall for 30 s after a watch closes
     * (its WatchEventsListener awaits its executor on the event loop), which would hold up the next
     * test's requests to a server shared by the class.
     */
    KubernetesClient client;

    private static final java.util.concurrent.atomic.AtomicInteger TESTS = new java.util.concurrent.atomic.AtomicInteger();
    private final String ns = "shop-" + TESTS.incrementAndGet();

    private final RoutingTable stock = RoutingTable.of();
    private final RoutingTable orders = RoutingTable.of();
    private final RoutingTable audit = RoutingTable.of();
    private EndpointSliceDiscovery discovery;

    private void startDiscovery() {
        discovery = EndpointSliceDiscovery.start(client, ns,
                Map.of("store-stock", List.of(stock), "store-audit-orders", List.of(audit, orders)));
    }

    @AfterEach
    void stop() {
        if (discovery != null) {
            discovery.close();
        }
    }

    @Test
    void tablesFollowSlicesAddedChangedAndDeleted() {
        startDiscovery();

        write(slice("store-stock-a", "store-stock", 7000, endpoint("10.0.0.1", true), endpoint("10.0.0.2", true)));
        awaitReplicas(stock::replicas, List.of(new Replica("10.0.0.1", 7000), new Replica("10.0.0.2", 7000)));

        write(slice("store-stock-b", "store-stock", 7000, endpoint("10.0.1.1", true)));
        awaitReplicas(stock::replicas, List.of(new Replica("10.0.0.1", 7000), new Replica("10.0.0.2", 7000),
                new Replica("10.0.1.1", 7000)));

        // a pod told to stop turns not ready: no new calls to it
        write(slice("store-stock-a", "store-stock", 7000, endpoint("10.0.0.1", false), endpoint("10.0.0.2", true)));
        awaitReplicas(stock::replicas, List.of(new Replica("10.0.0.2", 7000), new Replica("10.0.1.1", 7000)));

        client.discovery().v1().endpointSlices().inNamespace(ns).withName("store-stock-b").delete();
        awaitReplicas(stock::replicas, List.of(new Replica("10.0.0.2", 7000)));
        assertThat(orders.replicas()).isEmpty();
    }

    @Test
    void slicesPresentBeforeTheWatchAreListed() {
        write(slice("store-audit-orders-x", "store-audit-orders", 7000, endpoint("10.0.2.7", true)));

        startDiscovery();

        awaitReplicas(orders::replicas, List.of(new Replica("10.0.2.7", 7000)));
        awaitReplicas(audit::replicas, List.of(new Replica("10.0.2.7", 7000)));
    }

    @Test
    void ignoresOtherServicesAndNamespaces() {
        startDiscovery();

        write(slice("other-a", "other", 7000, endpoint("10.9.9.9", true)));
        client.discovery().v1().endpointSlices().inNamespace("elsewhere")
                .resource(slice("store-stock-z", "store-stock", 7000, endpoint("10.8.8.8", true))).create();
        write(slice("store-stock-c", "store-stock", 7000, endpoint("10.0.3.1", true)));

        awaitReplicas(stock::replicas, List.of(new Replica("10.0.3.1", 7000)));
        assertThat(orders.replicas()).isEmpty();
    }

    @Test
    void usesOnlyThePortNamedRpc() {
        startDiscovery();

        EndpointSlice slice = new EndpointSliceBuilder(slice("store-stock-d", "store-stock", 7000, endpoint("10.0.4.1", true)))
                .editFirstPort().withPort(7777).endPort()
                .addNewPort().withName("web").withPort(8080).withProtocol("TCP").endPort().build();
        write(slice);

        awaitReplicas(stock::replicas, List.of(new Replica("10.0.4.1", 7777)));
    }

    @Test
    void aSliceWithoutTheRpcPortOrEndpointsOffersNothingAndUnsetReadinessCountsAsReady() {
        EndpointSlice noPorts = new EndpointSliceBuilder().withNewMetadata().withName("x").endMetadata()
                .withAddressType("IPv4").addNewEndpoint().withAddresses("10.1.1.1").endEndpoint().build();
        EndpointSlice noEndpoints = new EndpointSliceBuilder().withNewMetadata().withName("y").endMetadata()
                .withAddressType("IPv4").addNewPort().withName("rpc").withPort(7000).endPort().build();
        EndpointSlice readyUnset = new EndpointSliceBuilder(noEndpoints)
                .addNewEndpoint().withAddresses("10.1.1.2", "10.1.1.3").endEndpoint().build();

        assertThat(EndpointSliceDiscovery.replicas(noPorts)).isEmpty();
        assertThat(EndpointSliceDiscovery.replicas(noEndpoints)).isEmpty();
        assertThat(EndpointSliceDiscovery.replicas(readyUnset))
                .containsExactly(new Replica("10.1.1.2", 7000), new Replica("10.1.1.3", 7000));
    }

    private void write(EndpointSlice slice) {
        client.discovery().v1().endpointSlices().inNamespace(ns).resource(slice).createOr(r -> r.update());
    }

    private static EndpointSlice slice(String name, String service, int port,
            io.fabric8.kubernetes.api.model.discovery.v1.Endpoint... endpoints) {
        return new EndpointSliceBuilder().withNewMetadata().withName(name)
                .addToLabels(Names.SERVICE_NAME, service).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("rpc").withPort(port).withProtocol("TCP").endPort()
                .withEndpoints(endpoints).build();
    }

    private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(String address, boolean ready) {
        return new io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder().withAddresses(address)
                .withNewConditions().withReady(ready).endConditions().build();
    }

    /** Polls until the table holds exactly these replicas (in any order), or fails at the deadline. */
    private static void awaitReplicas(Supplier<List<Replica>> table, List<Replica> expected) {
        Instant until = Instant.now().plus(DEADLINE);
        while (Instant.now().isBefore(until)) {
            List<Replica> now = table.get();
            if (now.size() == expected.size() && now.containsAll(expected)) {
                return;
            }
            try {
                Thread.sleep(20); // a poll interval, not a wait for the outcome
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(table.get()).as("replicas within " + DEADLINE).containsExactlyInAnyOrderElementsOf(expected);
    }
}
