package io.cleave.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cleave.Cleave;
import io.cleave.StartupException;
import io.cleave.deploy.ClassLists;
import io.cleave.deploy.GroupGraph;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Makes the class-data-sharing archive of an application's OCI image, at image build time, so
 * that a pod starts from classes already parsed and verified instead of reading them from their
 * jars (about half of a pod's time to ready). The image is Jib's tar with the application packaged
 * as jars ({@code containerizingMode = packaged}: the JDK archives only classes from jars). This
 * unpacks its layers, starts every group from the image's own entry point as its pod would (the
 * {@code kube} deployer, the group's listeners and ports on free loopback ports, the embedded
 * PostgreSQL server of the unpacked image's working directory in place of the database secret,
 * plaintext calls, a throw-away gateway token in place of its Secret, no API server: discovery
 * retries in the background; with {@code [gateway]}, the gateway's group too), records the classes each
 * loads until it is ready ({@code -XX:DumpLoadedClassList}), stops it as Kubernetes does
 * (SIGTERM), and has the JVM dump one static archive from all the groups' classes with the image's
 * class path ({@code -Xshare:dump}). The image's entry point then names the archive
 * ({@code -XX:SharedArchiveFile}).
 *
 * <p>An archive is valid only for the JVM build that dumped it: the training runs the JVM running
 * this tool, so build the image with the same JDK release and build as the image's base JRE, or
 * the pods' JVM says it cannot use the archive and starts without it (as slowly as with none). The
 * class path is checked too: jars are matched by name, size and modification time, which Jib fixes,
 * under the unpacked root here and under {@code /} in the container (the JDK allows a common prefix
 * to differ).
 *
 * <pre>
 * java -cp APP_CLASS_PATH io.cleave.kube.ImageClassData --image=target/jib-image.tar \
 *     --config=cleave-services.toml --archive=target/class-data/app.jsa [--set=KEY=VALUE ...]
 * </pre>
 */
public final class ImageClassData {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a group may take to answer {@code /ready}; a pod's startup probe allows 60 s. */
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);
    /** How long a group may take to stop after SIGTERM (it drains first). */
    private static final Duration STOP_WITHIN = Duration.ofSeconds(60);
    private static final Duration DUMP_WITHIN = Duration.ofMinutes(5);

    private ImageClassData() {
    }

    /**
     * Writes the archive; exits 1 with a message naming what went wrong.
     *
     * @param args {@code --image=TAR --config=FILE --archive=FILE [--set=KEY=VALUE ...]}
     */
    public static void main(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        Cleave.Builder app = Cleave.app();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? "" : arg.substring(eq + 1);
            switch (name) {
                case "--image", "--config", "--archive" -> options.put(name, value);
                case "--set" -> {
                    int kv = value.indexOf('=');
                    if (kv <= 0) {
                        fail("--set needs KEY=VALUE, got '" + value + "'");
                    }
                    app.set(value.substring(0, kv), value.substring(kv + 1));
                }
                default -> fail("unknown option '" + arg + "'; options: --image=TAR --config=FILE --archive=FILE [--set=KEY=VALUE]");
            }
        }
        for (String required : List.of("--image", "--config", "--archive")) {
            if (options.getOrDefault(required, "").isBlank()) {
                fail("missing " + required + "=...");
            }
        }
        Path config = Path.of(options.get("--config")).toAbsolutePath();
        try {
            Path archive = write(app.config(config), Path.of(options.get("--image")), config, Path.of(options.get("--archive")));
            System.out.println("image class data: wrote " + archive + " (" + Files.size(archive) / (1024 * 1024) + " MiB)");
        } catch (StartupException | IOException | UncheckedIOException e) {
            fail(e.getMessage());
        } catch (InterruptedException e) {
            fail("interrupted");
        }
    }

    private static void fail(String message) {
        System.err.println("image class data: " + message);
        System.exit(1);
    }

    /**
     * Trains every group of the application on the image and writes the archive.
     *
     * @param app the application as planned from {@code config} (its groups and listeners)
     * @param image Jib's image tar
     * @param config the configuration the pods run with (the ConfigMap's file)
     * @param archive where the archive goes; replaced atomically
     * @return {@code archive}
     * @throws IOException if the image cannot be read, a group does not become ready or the dump fails, naming which
     * @throws StartupException if the application cannot be planned with the {@code kube} deployer
     */
    static Path write(Cleave.Builder app, Path image, Path config, Path archive) throws IOException, InterruptedException {
        KubeDeployer.Planned plan = KubeManifests.plan(app);
        Path root = Files.createTempDirectory("cleave-image-class-data");
        try {
            Image unpacked = Image.unpack(image, root.resolve("fs"));
            List<Path> lists = new ArrayList<>();
            for (GroupGraph.Group group : plan.graph().groups()) {
                Path list = root.resolve(group.name().replace('+', '_') + ".classlist");
                train(unpacked, config, group.name(), plan.manifests().listenerPorts(group).keySet(), list, root);
                lists.add(list);
            }
            if (plan.graph().gateway().isPresent()) { // a pod of its own too: the gateway's classes
                Path list = root.resolve(GroupGraph.GATEWAY + ".classlist");
                train(unpacked, config, GroupGraph.GATEWAY, plan.graph().gateway().get().listeners().keySet(), list, root);
                lists.add(list);
            }
            Path merged = root.resolve("all.classlist");
            Files.write(merged, ClassLists.merge(lists));
            Files.createDirectories(archive.toAbsolutePath().getParent());
            Path temporary = archive.resolveSibling(archive.getFileName() + ".tmp");
            List<String> dump = new ArrayList<>();
            dump.add(java());
            dump.addAll(unpacked.jvmOptions());
            dump.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + merged, "-XX:SharedArchiveFile=" + temporary,
                    "-cp", unpacked.classPathArgument()));
            Path log = root.resolve("dump.log");
            Process p = new ProcessBuilder(dump).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(DUMP_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("the dump took over " + DUMP_WITHIN.toMinutes() + " minutes: " + tail(log));
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(temporary)) {
                throw new IOException("the dump exited with " + p.exitValue() + ": " + tail(log));
            }
            return Files.move(temporary, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(root);
        }
    }

    /** Starts one group from the image's entry point, waits until it is ready, stops it: its class list. */
    private static void train(Image image, Path config, String group, Set<String> listeners, Path classList, Path root)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-XX:DumpLoadedClassList=" + classList);
        command.addAll(image.jvmOptions());
        command.addAll(List.of("-cp", image.classPathArgument(), image.mainClass(), "--deployer=" + KubeDeployer.NAME,
                "--config=" + config));
        int admin = freePort();
        Path log = root.resolve(group.replace('+', '_') + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(image.workingDirectory().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put(Manifests.GROUP_VARIABLE, group);
        env.put(Manifests.NAMESPACE_VARIABLE, "default");
        env.put("KUBERNETES_MASTER", "http://127.0.0.1:" + freePort()); // nothing listens: discovery retries
        env.put(Manifests.variable("kube", "admin-port"), Integer.toString(admin));
        env.put(Manifests.variable("kube", "rpc-port"), Integer.toString(freePort()));
        env.put(Manifests.variable("transport", "mtls"), "false"); // no certificate secret at build time
        env.put(Manifests.TOKEN_VARIABLE, io.cleave.runtime.spi.Gateway.newToken()); // no token secret either: any will do
        for (String listener : listeners) {
            env.put(Manifests.variable("listeners", listener), "127.0.0.1:" + freePort());
        }
        Process pod = pb.start();
        try {
            awaitReady(pod, admin, group, log);
            pod.destroy(); // SIGTERM, as Kubernetes stops a pod: the group drains and its embedded server stops
            if (!pod.waitFor(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("group " + group + " did not stop within " + STOP_WITHIN.toSeconds() + " s of SIGTERM: "
                        + tail(log));
            }
        } finally {
            if (pod.isAlive()) {
                pod.destroyForcibly();
                pod.waitFor(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        if (!Files.isRegularFile(classList)) {
            throw new IOException("group " + group + " wrote no class list: " + tail(log));
        }
    }

    private static void awaitReady(Process pod, int admin, String group, Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        Instant until = Instant.now().plus(READY_WITHIN);
        while (Instant.now().isBefore(until)) {
            if (!pod.isAlive()) {
                throw new IOException("group " + group + " exited with " + pod.exitValue() + " before it was ready: " + tail(log));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100); // a poll interval
        }
        throw new IOException("group " + group + " was not ready within " + READY_WITHIN.toSeconds() + " s: " + tail(log));
    }

    /**
     * An unpacked image: its root and the parts of its entry point the training uses.
     *
     * @param root where the layers were unpacked; the image's {@code /}
     * @param entrypoint the image's entry point with its absolute paths rebased on {@code root}
     * @param workingDirectory the image's working directory, rebased
     */
    record Image(Path root, List<String> entrypoint, Path workingDirectory) {

        /** The JVM options of the entry point, without a class-data option of its own. */
        List<String> jvmOptions() {
            return entrypoint.subList(1, entrypoint.indexOf("-cp")).stream()
                    .filter(o -> !o.startsWith("-XX:SharedArchiveFile=") && !o.startsWith("-Xshare:"))
                    .toList();
        }

        String classPathArgument() {
            return entrypoint.get(entrypoint.indexOf("-cp") + 1);
        }

        String mainClass() {
            return entrypoint.get(entrypoint.indexOf("-cp") + 2);
        }

        /**
         * Unpacks a Docker-format image tar (as Jib's {@code buildTar} writes it): its layers in order,
         * with their files' modification times, which the JDK compares when it opens an archive.
         *
         * @throws IOException if the tar is not such an image, an entry would leave {@code root}, or the
         *     entry point is not {@code java ... -cp CLASS_PATH MAIN_CLASS}
         */
        static Image unpack(Path tar, Path root) throws IOException {
            if (!Files.isRegularFile(tar)) {
                throw new IOException("no image at " + tar.toAbsolutePath() + " (build it with Jib's buildTar first)");
            }
            Path outer = Files.createDirectories(root.resolveSibling(root.getFileName() + "-tar"));
            try (InputStream in = new BufferedInputStream(Files.newInputStream(tar))) {
                extract(in, outer, tar.toString());
            }
            Path manifestFile = outer.resolve("manifest.json");
            if (!Files.isRegularFile(manifestFile)) {
                throw new IOException(tar + " has no manifest.json: not an image tar in Docker's format (Jib buildTar writes one)");
            }
            JsonNode manifest = JSON.readTree(manifestFile.toFile()).path(0);
            JsonNode config = JSON.readTree(inside(outer, manifest.path("Config").asText(), tar).toFile()).path("config");
            Files.createDirectories(root);
            for (JsonNode layer : manifest.path("Layers")) {
                Path file = inside(outer, layer.asText(), tar);
                try (InputStream in = layerStream(file)) {
                    extract(in, root, tar + "!" + layer.asText());
                }
            }
            List<String> words = new ArrayList<>();
            config.path("Entrypoint").forEach(w -> words.add(w.asText()));
            config.path("Cmd").forEach(w -> words.add(w.asText()));
            int cp = words.indexOf("-cp");
            if (words.isEmpty() || !words.get(0).equals("java") || cp < 0 || cp + 2 >= words.size()) {
                throw new IOException(tar + ": the entry point is not 'java [OPTIONS] -cp CLASS_PATH MAIN_CLASS' as Jib writes it: "
                        + words);
            }
            String classPath = words.get(cp + 1);
            if (classPath.startsWith("@/")) {
                Path file = rebase(root, classPath.substring(1));
                String entries = Arrays.stream(Files.readString(file).strip().split(":"))
                        .map(e -> e.startsWith("/") ? rebase(root, e).toString() : e).collect(Collectors.joining(":"));
                Files.writeString(file, entries); // keeps its own time: the JDK does not compare it
                words.set(cp + 1, "@" + file);
            } else {
                words.set(cp + 1, Arrays.stream(classPath.split(":")).map(e -> e.startsWith("/") ? rebase(root, e).toString() : e)
                        .collect(Collectors.joining(":")));
            }
            String workingDirectory = config.path("WorkingDir").asText("/");
            return new Image(root, List.copyOf(words), rebase(root, workingDirectory.isEmpty() ? "/" : workingDirectory));
        }

        private static Path rebase(Path root, String absolute) {
            return root.resolve(absolute.substring(1));
        }

        private static Path inside(Path dir, String name, Path tar) throws IOException {
            Path p = dir.resolve(name).normalize();
            if (!p.startsWith(dir) || !Files.isRegularFile(p)) {
                throw new IOException(tar + ": manifest.json names '" + name + "', which is not a file of the tar");
            }
            return p;
        }

        private static InputStream layerStream(Path file) throws IOException {
            InputStream in = new BufferedInputStream(Files.newInputStream(file));
            in.mark(2);
            boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            return gzip ? new GZIPInputStream(in, 1 << 16) : in;
        }

        /** Extracts a tar stream under {@code dir}: directories, regular files with their times and modes, symbolic links. */
        static void extract(InputStream in, Path dir, String what) throws IOException {
            TarArchiveInputStream tar = new TarArchiveInputStream(in);
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException(what + ": entry '" + e.getName() + "' would be written outside the image root");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else if (e.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setLastModifiedTime(target, FileTime.from(e.getModTime().toInstant()));
                    if ((e.getMode() & 0100) != 0) {
                        target.toFile().setExecutable(true);
                    }
                }
            }
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; the system cleans it
        }
    }
}
