package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image Jib built ({@code -Pimage}, {@code target/jib-image.tar}) holds a runnable
 * shop: its layers unpacked into a temporary root, the entry point of its config (with this
 * machine's {@code java}, as no container runtime runs here) starts the Storefront group as a
 * pod would (the Deployment's arguments and environment), against fabric8's mock API server, and
 * the group's readiness probe answers 200, its classes loaded from the class-data archive the build
 * trained into the image ({@code /app/cds/app.jsa}).
 */
@EnableKubernetesMockClient(crud = true)
class ShopImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);

    KubernetesMockServer server;

    @TempDir
    Path root;

    @Test
    void entryPointStartsAGroupThatBecomesReady() throws Exception {
        Path image = Path.of(System.getProperty("shop.image", "target/jib-image.tar"));
        assertThat(image).as("built by -Pimage").exists();
        Path unpacked = Files.createDirectories(root.resolve("image"));
        run(List.of("tar", "xf", image.toString(), "-C", unpacked.toString()));
        JsonNode manifest = JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
        JsonNode config = JSON.readTree(unpacked.resolve(manifest.get("Config").asText()).toFile()).get("config");
        Path fs = Files.createDirectories(root.resolve("fs"));
        for (JsonNode layer : manifest.get("Layers")) {
            run(List.of("tar", "xzf", unpacked.resolve(layer.asText()).toString(), "-C", fs.toString()));
        }
        // the image's paths are absolute (/app/...): rebase them on the temporary root
        Path classPathFile = fs.resolve("app/jib-classpath-file");
        Files.writeString(classPathFile, Files.readString(classPathFile).replace("/app/", fs + "/app/"));
        List<String> command = new ArrayList<>();
        for (JsonNode word : config.get("Entrypoint")) {
            String w = word.asText();
            command.add(w.equals("java") ? ProcessHandle.current().info().command().orElseThrow()
                    : w.startsWith("@/app/") ? "@" + fs + w.substring(1) : w);
        }
        assertThat(command).last().isEqualTo("io.cleave.shop.ShopMain");
        assertThat(command).as("the entry point starts from the image's class-data archive").contains("-XX:SharedArchiveFile=/app/cds/app.jsa");
        assertThat(fs.resolve("app/cds/app.jsa")).as("the archive the build trained").isRegularFile();
        // the archive at the rebased path; -Xshare:on turns an archive the JVM cannot use into a failed start
        command.replaceAll(w -> w.equals("-XX:SharedArchiveFile=/app/cds/app.jsa") ? "-XX:SharedArchiveFile=" + fs.resolve("app/cds/app.jsa") : w);
        Path classLoads = root.resolve("class-load.log");
        command.addAll(1, List.of("-Xshare:on", "-Xlog:class+load=info:file=" + classLoads));
        command.addAll(List.of("--deployer=kube", "--config=" + Path.of("cleave-services.toml").toAbsolutePath()));
        int admin = freePort();
        ProcessBuilder pb = new ProcessBuilder(command).directory(fs.resolve(config.get("WorkingDir").asText().substring(1)).toFile())
                .redirectErrorStream(true).redirectOutput(root.resolve("pod.log").toFile());
        pb.environment().putAll(Map.of(
                "CLEAVE_GROUP", "Storefront",
                "CLEAVE_NAMESPACE", "default",
                "KUBERNETES_MASTER", server.url("/"),
                "KUBERNETES_TRUST_CERTIFICATES", "true",
                "CLEAVE_KUBE__ADMIN_PORT", Integer.toString(admin),
                "CLEAVE_KUBE__RPC_PORT", Integer.toString(freePort()),
                "CLEAVE_LISTENERS__WEB", "127.0.0.1:" + freePort(),
                // no certificate secret here: the pod's calls are plaintext in this test
                "CLEAVE_TRANSPORT__MTLS", "false"));
        Process pod = pb.start();
        try {
            int status = awaitReady(admin, pod);

            assertThat(status).as(Files.readString(root.resolve("pod.log"))).isEqualTo(200);
        } finally {
            pod.destroy(); // SIGTERM, as Kubernetes stops a pod
            if (!pod.waitFor(30, TimeUnit.SECONDS)) {
                pod.destroyForcibly();
            }
        }
        assertThat(pod.exitValue()).as("a drained pod exits on SIGTERM by itself: " + Files.readString(root.resolve("pod.log")))
                .isIn(0, 143);
        // the group's own classes came from the archive, not from their jars
        assertThat(Files.readAllLines(classLoads)).anyMatch(l -> l.contains(" io.cleave.kube.PodDeployment source: shared objects file"))
                .anyMatch(l -> l.contains(" io.cleave.shop.storefront.StorefrontImpl source: shared objects file"));
    }

    /** Polls /ready until 200 or the deadline; the last status (0 before the endpoint answers). */
    private static int awaitReady(int port, Process pod) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant until = Instant.now().plus(READY_WITHIN);
        int status = 0;
        while (Instant.now().isBefore(until) && pod.isAlive()) {
            try {
                status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return status;
                }
            } catch (IOException e) {
                status = 0; // not listening yet
            }
            Thread.sleep(100); // a poll interval
        }
        return status;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
