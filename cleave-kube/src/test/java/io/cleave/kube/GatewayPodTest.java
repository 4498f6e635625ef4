package io.cleave.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.cleave.App;
import io.cleave.StartupException;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pod of the gateway's group and a pod of Shopfront (the group that listens on {@code web}) in
 * this JVM, as the kube deployer runs them behind {@code [gateway]}: the gateway forwards to the
 * ready endpoints of Shopfront's EndpointSlices (written to fabric8's mock API server, which runs
 * no controllers) on the port named {@code web}, and follows their changes. A second "replica"
 * is a plain HTTP server that records what the gateway sends it. The token comes from the Secret's
 * variable in a pod; here from {@link PodDeployment#TOKEN_PROPERTY}. Started once for the class.
 */
@EnableKubernetesMockClient(crud = true)
class GatewayPodTest {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final String TOKEN = "the-token-in-secret-store-gateway-token";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static int shopfrontWeb;
    private static int gatewayWeb;
    private static int gatewayAdmin;
    private static App shopfront;
    private static App gateway;
    private static HttpServer other;
    private static final AtomicInteger OTHER_HITS = new AtomicInteger();
    private static final List<String> OTHER_TOKENS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startShopfrontAndTheGateway() throws IOException {
        System.setProperty("kubernetes.master", server.url("/"));
        System.setProperty("kubernetes.trust.certificates", "true");
        System.setProperty("kubernetes.namespace", "default");
        System.setProperty(PodDeployment.TOKEN_PROPERTY, TOKEN);
        shopfrontWeb = freePort();
        gatewayWeb = freePort();
        gatewayAdmin = freePort();
        shopfront = pod("Shopfront", shopfrontWeb, freePort());
        gateway = pod("gateway", gatewayWeb, gatewayAdmin);
        other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        other.createContext("/client", exchange -> {
            OTHER_HITS.incrementAndGet();
            OTHER_TOKENS.add(String.valueOf(exchange.getRequestHeaders().getFirst("Cleave-Gateway-Token")));
            byte[] body = "other".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.createContext("/", exchange -> { // the gateway's health probe: any answer is alive
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        other.start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (shopfront != null) {
            shopfront.close();
        }
        if (other != null) {
            other.stop(0);
        }
        for (String p : List.of("kubernetes.master", "kubernetes.trust.certificates", "kubernetes.namespace", "cleave.group",
                PodDeployment.TOKEN_PROPERTY)) {
            System.clearProperty(p);
        }
    }

    private static App pod(String group, int web, int admin) throws IOException {
        System.setProperty("cleave.group", group);
        try {
            return TestApp.builder(TestApp.GATEWAY_CONFIG).deployer("kube").set("transport.mtls", "false")
                    .set("kube.rpc-port", Integer.toString(freePort())).set("kube.admin-port", Integer.toString(admin))
                    .set("listeners.web", "127.0.0.1:" + web).start();
        } finally {
            System.clearProperty("cleave.group");
        }
    }

    @Test
    void forwardsToTheReadyEndpointsOfTheListeningGroupsSlicesAndFollowsTheirChanges() throws Exception {
        assertThat(status(gatewayAdmin, "/ready")).isEqualTo(200);
        assertThat(status(gatewayAdmin, "/live")).isEqualTo(200);
        assertThat(get(gatewayWeb, "/client").statusCode()).as("no replica yet").isEqualTo(503);

        client.discovery().v1().endpointSlices().inNamespace("default").resource(slice("store-shopfront-a", shopfrontWeb)).create();
        client.discovery().v1().endpointSlices().inNamespace("default")
                .resource(slice("store-shopfront-b", other.getAddress().getPort())).create();
        client.discovery().v1().endpointSlices().inNamespace("default") // another Service's pods: never the listener's
                .resource(new EndpointSliceBuilder(slice("store-stock-x", other.getAddress().getPort())).editMetadata()
                        .addToLabels(Names.SERVICE_NAME, "store-stock").endMetadata().build()).create();

        Set<String> seen = new HashSet<>();
        Instant until = Instant.now().plusSeconds(20);
        while (seen.size() < 2 && Instant.now().isBefore(until)) {
            HttpResponse<String> answer = get(gatewayWeb, "/client");
            if (answer.statusCode() == 200) {
                seen.add(answer.body());
            }
        }
        assertThat(seen).as("both replicas answered through the gateway").containsExactlyInAnyOrder("127.0.0.1", "other");
        assertThat(OTHER_TOKENS).as("the gateway presents the Secret's token").isNotEmpty().allMatch(TOKEN::equals);

        client.discovery().v1().endpointSlices().inNamespace("default").withName("store-shopfront-b").delete();

        int inARow = 0;
        until = Instant.now().plusSeconds(20);
        while (inARow < 20 && Instant.now().isBefore(until)) {
            inARow = get(gatewayWeb, "/client").body().equals("127.0.0.1") ? inARow + 1 : 0;
        }
        assertThat(inARow).as("only the remaining replica answers").isEqualTo(20);
        int hits = OTHER_HITS.get();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> answer = get(gatewayWeb, "/client");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("127.0.0.1");
        }
        assertThat(OTHER_HITS.get()).as("the removed replica gets no request").isEqualTo(hits);
    }

    @Test
    void theListenerBelievesForwardedForOnlyBesideTheSecretsToken() throws Exception {
        assertThat(clientAddress(TOKEN)).isEqualTo("203.0.113.9");
        assertThat(clientAddress("a-wrong-token")).isEqualTo("127.0.0.1");
        assertThat(clientAddress(null)).isEqualTo("127.0.0.1");
    }

    @Test
    void aPodBehindTheGatewayWithoutTheTokenDoesNotStartAndNamesTheSecret() {
        System.clearProperty(PodDeployment.TOKEN_PROPERTY);
        try {
            for (String group : List.of("Shopfront", "gateway")) {
                assertThatThrownBy(() -> pod(group, freePort(), freePort())).as(group)
                        .isInstanceOf(StartupException.class)
                        .hasMessageContaining("CLEAVE_GATEWAY_TOKEN")
                        .hasMessageContaining("default/store-gateway-token")
                        .hasMessageContaining("kubectl create secret generic store-gateway-token --from-literal=token=");
            }
        } finally {
            System.setProperty(PodDeployment.TOKEN_PROPERTY, TOKEN);
        }
    }

    /** What Shopfront's listener believes is the client, asked directly (as a pod in the cluster could). */
    private static String clientAddress(String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shopfrontWeb + "/client"))
                .header("X-Forwarded-For", "203.0.113.9");
        if (token != null) {
            b.header("Cleave-Gateway-Token", token);
        }
        HttpResponse<String> answer = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }

    private static EndpointSlice slice(String name, int port) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withName(name).addToLabels(Names.SERVICE_NAME, "store-shopfront").endMetadata()
                .withAddressType("IPv4").addNewPort().withName("web").withPort(port).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(true).endConditions().endEndpoint()
                .build();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
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
