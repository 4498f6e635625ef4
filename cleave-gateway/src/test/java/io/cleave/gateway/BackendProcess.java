package io.cleave.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link Backend} in a JVM of its own, from the test class path, that a test can kill or stop. */
final class BackendProcess implements AutoCloseable {

    final String name;
    final Process process;
    final int port;

    private BackendProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    static BackendProcess start(String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Backend.class.getName(), name))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        // the first line, printed once the server listens; readLine ends at the latest when the process does
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String line = out.readLine();
        if (line == null || !line.startsWith("port ")) {
            p.destroyForcibly();
            throw new IOException("backend " + name + " did not start: " + line);
        }
        return new BackendProcess(name, p, Integer.parseInt(line.substring(5).strip()));
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            try {
                signal("CONT");
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
