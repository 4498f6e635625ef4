package io.cleave.legacy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A legacy shop in a JVM of its own, started from the test class path as {@code ./legacy} would start it,
 * so that a test can {@code kill -9} it.
 */
final class LegacyProcess implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final String RUNNING = "Legacy shop running at ";

    private final Process process;
    private final CompletableFuture<String> firstLine;
    private final Path stderr;

    private LegacyProcess(Process process, CompletableFuture<String> firstLine, Path stderr) {
        this.process = process;
        this.firstLine = firstLine;
        this.stderr = stderr;
    }

    /** Starts {@code LegacyShop --port=0 --data=DIR} with more arguments; its stderr goes to a file in {@code logs}. */
    static LegacyProcess start(Path data, Path logs, String... more) throws IOException {
        Files.createDirectories(logs);
        Path stderr = Files.createTempFile(logs, "legacy-", ".stderr");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "io.cleave.legacy.LegacyShop", "--port=0", "--data=" + data));
        command.addAll(List.of(more));
        Process process = new ProcessBuilder(command)
                .redirectError(stderr.toFile())
                .start();
        CompletableFuture<String> firstLine = new CompletableFuture<>();
        Thread.ofVirtual().name("legacy-stdout-" + process.pid()).start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                firstLine.complete(line == null ? "" : line);
                while (out.readLine() != null) {
                    // drained until the process ends, so that it never blocks on a full pipe
                }
            } catch (IOException e) {
                firstLine.completeExceptionally(e);
            }
        });
        return new LegacyProcess(process, firstLine, stderr);
    }

    /** Waits (bounded) for the line announcing the address, and returns the address. */
    URI awaitRunning() throws InterruptedException {
        String line;
        try {
            line = firstLine.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the legacy shop did not announce its address within " + START_TIMEOUT
                    + "; stderr: " + stderr(), e);
        }
        if (!line.startsWith(RUNNING)) {
            throw new IllegalStateException("the legacy shop printed \"" + line + "\", not its address; stderr: " + stderr());
        }
        return URI.create(line.substring(RUNNING.length()).strip());
    }

    /** Waits (bounded) for the process to end by itself, and returns its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the legacy shop (pid " + process.pid() + ") did not exit within " + EXIT_TIMEOUT);
        }
        return process.exitValue();
    }

    /** {@code kill -9}, and waits (bounded) until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Unix
        awaitExit();
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, which stops the shop cleanly, waiting (bounded) for it to exit; {@code kill -9} if it does not. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
