package io.cleave.web;

import io.cleave.spi.testing.ProviderRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Listener;
import io.cleave.StartupException;
import io.cleave.WebResponse;
import io.cleave.spi.ConfigSection.ConfigError;
import io.cleave.spi.ServiceProvider;
import java.nio.file.Path;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListenerProviderTest {

    private static final Path DATA_DIR = Path.of("target", "data-dir");
    private final ListenerProvider provider = new ListenerProvider();
    private final List<ProviderRequest> requests = new ArrayList<>();

    @AfterEach
    void stopListeners() throws Exception {
        for (ProviderRequest r : requests.reversed()) {
            r.stop();
        }
    }

    private Listener provide(ProviderRequest request) {
        requests.add(request);
        return (Listener) provider.provide(request).orElseThrow();
    }

    private static Map<String, Map<String, Object>> listeners(Map<String, Object> entries) {
        return Map.of("listeners", entries);
    }

    @Test
    void answersNothingForOtherTypes() {
        assertThat(provider.provide(new ProviderRequest("Storefront", String.class, "web", Map.of(), DATA_DIR))).isEmpty();
    }

    @Test
    void namesTheListenerAfterTheConstructorParameterAndBindsItsConfiguredAddress() {
        Listener admin = provide(new ProviderRequest("Ops", Listener.class, "admin", listeners(Map.of("admin", "127.0.0.1:0")), DATA_DIR));

        assertThat(admin.name()).isEqualTo("admin");
        assertThat(admin.port()).isPositive();
        assertThat(admin.uri().toString()).isEqualTo("http://127.0.0.1:" + admin.port() + "/");
    }

    @Test
    void callsTheListenerWebWhenTheRuntimeDoesNotNameTheParameter() {
        Listener web = provide(new ProviderRequest("Storefront", Listener.class, "web", listeners(Map.of("web", "127.0.0.1:0")), DATA_DIR));

        assertThat(web.name()).isEqualTo("web");
    }

    @Test
    void behindAGatewayListensOnAPortOfItsOwnAnnouncesItAndNamesTheGatewaysAddressInItsUri() throws Exception {
        int configured;
        try (ServerSocket free = new ServerSocket(0)) {
            configured = free.getLocalPort();
        }
        ProviderRequest request = new ProviderRequest("Storefront", Listener.class, "web",
                listeners(Map.of("web", "127.0.0.1:" + configured)), DATA_DIR).behindGateway("gateway-token");

        Listener web = provide(request);
        web.get("/hello", r -> WebResponse.text("hi"));
        HttpResponse<String> direct = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                java.net.URI.create(request.endpoints().get("listener.web") + "/hello")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(web.port()).isNotEqualTo(configured);
        assertThat(request.endpoints()).containsExactly(Map.entry("listener.web", "http://127.0.0.1:" + web.port()));
        assertThat(web.uri().toString()).isEqualTo("http://127.0.0.1:" + configured + "/");
        assertThat(direct.body()).isEqualTo("hi");
    }

    @Test
    void behindAGatewayBelievesXForwardedForOnlyWithTheGatewaysTokenAndHidesTheTokenFromHandlers() throws Exception {
        ProviderRequest request = new ProviderRequest("Storefront", Listener.class, "web",
                listeners(Map.of("web", "127.0.0.1:0")), DATA_DIR).behindGateway("gateway-token");
        Listener web = provide(request);
        web.get("/who", r -> WebResponse.text(r.clientAddress() + " " + r.header(ServiceProvider.Request.GATEWAY_TOKEN_HEADER)
                .orElse("-")));
        HttpClient client = HttpClient.newHttpClient();
        java.util.function.Function<String[], String> who = headers -> {
            try {
                return client.send(HttpRequest.newBuilder(java.net.URI.create(request.endpoints().get("listener.web") + "/who"))
                        .headers(headers).build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        assertThat(who.apply(new String[] {"X-Forwarded-For", "203.0.113.7",
                ServiceProvider.Request.GATEWAY_TOKEN_HEADER, "gateway-token"})).isEqualTo("203.0.113.7 -");
        // any other local process that finds the port: its own address, whatever it claims
        assertThat(who.apply(new String[] {"X-Forwarded-For", "203.0.113.7"})).isEqualTo("127.0.0.1 -");
        assertThat(who.apply(new String[] {"X-Forwarded-For", "203.0.113.7",
                ServiceProvider.Request.GATEWAY_TOKEN_HEADER, "a-guess"})).isEqualTo("127.0.0.1 -");
    }

    @Test
    void namesAWildcardAddressByLoopbackInItsUri() {
        Listener web = provide(new ProviderRequest("Storefront", Listener.class, "web", listeners(Map.of("web", "0.0.0.0:0")), DATA_DIR));

        assertThat(web.uri().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void rejectsAMalformedAddressNamingTheKey() {
        assertThatThrownBy(() -> provide(new ProviderRequest("Storefront", Listener.class, "web",
                listeners(Map.of("web", "localhost")), DATA_DIR)))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith("[listeners] web = \"localhost\": expected \"host:port\"");
    }

    @Test
    void rejectsAPortOutOfRange() {
        assertThatThrownBy(() -> provide(new ProviderRequest("Storefront", Listener.class, "web",
                listeners(Map.of("web", "127.0.0.1:70000")), DATA_DIR)))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[listeners] web = \"127.0.0.1:70000\"");
    }

    @Test
    void requiresAnAddressForListenersOtherThanWeb() {
        assertThatThrownBy(() -> provide(new ProviderRequest("Ops", Listener.class, "admin", Map.of(), DATA_DIR)))
                .isInstanceOf(ConfigError.class)
                .hasMessage("component Ops asks for listener \"admin\" but [listeners] has no \"admin\";"
                        + " add admin = \"127.0.0.1:8081\" (host:port) or a [listeners.admin] table");
    }

    @Test
    void aPortInUseNamesTheListenerComponentAndKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();

            assertThatThrownBy(() -> provide(new ProviderRequest("Storefront", Listener.class, "web",
                    listeners(Map.of("web", address)), DATA_DIR)))
                    .isInstanceOf(StartupException.class)
                    .hasMessage("listener web of component Storefront cannot listen on " + address
                            + " ([listeners] web): address already in use: another process listens on " + address);
        }
    }

    @Test
    void componentsAskingForTheSameNameShareOneListenerUntilTheLastStops() throws Exception {
        ProviderRequest edge = new ProviderRequest("Storefront", Listener.class, "web", listeners(Map.of("web", "127.0.0.1:0")), DATA_DIR);
        ProviderRequest api = new ProviderRequest("Api", Listener.class, "web", listeners(Map.of("web", "127.0.0.1:0")), DATA_DIR);
        Listener first = provide(edge);
        Listener second = provide(api);
        second.get("/ping", r -> WebResponse.text("pong"));

        edge.stop();

        assertThat(second).isSameAs(first);
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(first.uri().resolve("/ping")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("pong");
        }
        api.stop();
        assertThat(((HttpListener) first).isRunning()).isFalse();
    }
}
