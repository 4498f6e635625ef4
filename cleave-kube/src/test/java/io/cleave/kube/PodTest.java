package io.cleave.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.kube.app.Orders;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two pods of the test application in this JVM, as the kube deployer runs them: Stock, and
 * Audit+Orders, whose calls to Stock go where Stock's EndpointSlice (written to fabric8's mock
 * API server, which runs no controllers) says. Plaintext: no certificate secret here.
 */
@EnableKubernetesMockClient(crud = true)
class PodTest {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void pointTheDeployerAtTheMockServer() {
        System.setProperty("kubernetes.master", server.url("/"));
        System.setProperty("kubernetes.trust.certificates", "true");
        System.setProperty("kubernetes.namespace", "default");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("kubernetes.master");
        System.clearProperty("kubernetes.trust.certificates");
        System.clearProperty("kubernetes.namespace");
        System.clearProperty("cleave.group");
    }

    private static App pod(String group, int rpc, int admin) {
        System.setProperty("cleave.group", group);
        try {
            return TestApp.builder(TestApp.CONFIG).deployer("kube").set("transport.mtls", "false")
                    .set("kube.rpc-port", Integer.toString(rpc)).set("kube.admin-port", Integer.toString(admin)).start();
        } finally {
            System.clearProperty("cleave.group");
        }
    }

    @Test
    void callsFollowEndpointSlicesAndReadinessFollowsTheLifecycle() throws Exception {
        int stockRpc = freePort();
        int stockAdmin = freePort();
        int ordersAdmin = freePort();
        App stock = pod("Stock", stockRpc, stockAdmin);
        App orders = pod("Audit+Orders", freePort(), ordersAdmin);
        try {
            assertThat(status(stockAdmin, "/ready")).isEqualTo(200);
            assertThat(status(stockAdmin, "/live")).isEqualTo(200);

            client.discovery().v1().endpointSlices().inNamespace("default").resource(new EndpointSliceBuilder()
                    .withNewMetadata().withName("store-stock-1").addToLabels(Names.SERVICE_NAME, "store-stock").endMetadata()
                    .withAddressType("IPv4").addNewPort().withName("rpc").withPort(stockRpc).withProtocol("TCP").endPort()
                    .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(true).endConditions().endEndpoint()
                    .build()).create();

            assertThat(placeWithin(orders.component(Orders.class), Duration.ofSeconds(20))).isEqualTo(9);
            assertThat(orders.component(Orders.class).place("lamp")).isEqualTo(8);
        } finally {
            orders.close();
        }
        stock.close();
        assertThat(status(stockAdmin, "/ready")).as("a stopped pod's probe endpoint is gone").isEqualTo(0);
    }

    /** The first order once Stock is routable: fails until discovery filled the table, then answers. */
    private static int placeWithin(Orders orders, Duration within) throws InterruptedException {
        Instant until = Instant.now().plus(within);
        RuntimeException last = null;
        while (Instant.now().isBefore(until)) {
            try {
                return orders.place("lamp");
            } catch (RuntimeException e) {
                last = e; // no replica of Stock yet
            }
            Thread.sleep(50); // a poll interval
        }
        throw new AssertionError("Orders never reached Stock within " + within, last);
    }

    private static int status(int port, String path) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
