package io.cleave.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What goes on the request line: exactly the URL's path and query for a plain run, the URL's
 * path followed by each step's for a scenario file; and a summary that says so loudly when most
 * requests failed, as they do when the path is wrong.
 */
class RequestLineTest {

    private HttpServer server;
    private final List<String> requestTargets = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", e -> {
            // the request target as it was on the request line, undecoded
            String target = e.getRequestURI().toString();
            requestTargets.add(target);
            ShopServer.respond(e, target.startsWith("/api/categories") ? 200 : 404, "{}");
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    private static LoadTest.Builder tenRequests(URI target) {
        return LoadTest.builder()
                .target(target)
                .profile(Profile.steady(100, Duration.ofSeconds(1)))
                .maxRequests(10)
                .connections(2);
    }

    @Test
    void aPlainRunSendsExactlyTheUrlsPathAndQuery() throws Exception {
        LoadResult result = tenRequests(url("/api/categories?limit=2&q=a%20b")).build().run();

        assertThat(requestTargets).hasSize(10).containsOnly("/api/categories?limit=2&q=a%20b");
        assertThat(result.errors()).isZero();
    }

    @Test
    void aPlainRunOfAUrlWithoutAPathSendsSlash() throws Exception {
        tenRequests(url("")).build().run();

        assertThat(requestTargets).hasSize(10).containsOnly("/");
    }

    @Test
    void aSingleRequestScenarioSendsItsOwnPathAndQueryAsTheyAre() throws Exception {
        Scenario post = Scenario.request("POST", "/api/categories?limit=2", Map.of("X-Test", "1"), Optional.of("{}"));

        LoadResult result = tenRequests(url("/api/categories?limit=2")).scenario(post).build().run();

        assertThat(requestTargets).hasSize(10).containsOnly("/api/categories?limit=2");
        assertThat(result.errors()).isZero();
    }

    @Test
    void aScenarioFilesStepsGoBelowTheUrlsPath() throws Exception {
        Scenario scenario = Scenario.parse("""
                [[flow]]
                name = "browse"
                  [[flow.step]]
                  path = "/categories?session=${session}"
                """, "browse.toml");

        LoadResult result = tenRequests(url("/api/")).scenario(scenario).build().run();

        assertThat(requestTargets).hasSize(10).allSatisfy(target -> assertThat(target).matches("/api/categories\\?session=\\d+"));
        assertThat(result.errors()).isZero();
    }

    @Test
    void aUrlWithAQueryCannotPrefixAScenarioFile() throws Exception {
        Scenario scenario = Scenario.parse("""
                [[flow]]
                name = "browse"
                  [[flow.step]]
                  path = "/categories"
                """, "browse.toml");
        LoadTest.Builder builder = tenRequests(url("/api?limit=2")).scenario(scenario);

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target " + url("/api?limit=2") + " has a query; with a scenario file the URL's path only prefixes"
                        + " each step's path, so write the query in the steps' paths instead");
    }

    @Test
    void theSummaryWarnsWhenMostRequestsFailed() throws Exception {
        LoadResult result = tenRequests(url("/api/nothing-here")).build().run();

        assertThat(result.errorsByKind()).containsExactly(Map.entry("status 404", 10L));
        assertThat(result.summary()).endsWith("\nWARNING    MOST REQUESTS FAILED: 10 of 10 (100%), most often status 404 (10)."
                + " The latencies above are mostly those of errors, not of the service: check the URL, and the paths and"
                + " expected statuses of the scenario if any.\n");
        assertThat(result.toHtml()).contains("<p class=\"warning\">MOST REQUESTS FAILED: 10 of 10 (100%)");
    }

    @Test
    void theSummaryDoesNotWarnWhenMostRequestsSucceeded() throws Exception {
        LoadResult result = tenRequests(url("/api/categories")).build().run();

        assertThat(result.errors()).isZero();
        assertThat(result.summary()).doesNotContain("WARNING");
        assertThat(result.toHtml()).doesNotContain("class=\"warning\"");
    }
}
