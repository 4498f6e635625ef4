package io.cleave.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A running {@code multi} supervisor, found through the state file it keeps in
 * {@code <state-dir>/<app>/supervisor.json}: what {@code cleave status} and {@code cleave logs}
 * use.
 *
 * <pre>{@code
 * SupervisorHandle supervisor = SupervisorHandle.find(Path.of(".cleave"), Optional.empty());
 * System.out.print(supervisor.status().format());
 * supervisor.logs(System.out::println, false, Optional.of("Counter"));
 * }</pre>
 */
public final class SupervisorHandle {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration FOLLOW_POLL = Duration.ofMillis(100);

    private final Path stateFile;
    private final StateFile.Contents contents;

    private SupervisorHandle(Path stateFile, StateFile.Contents contents) {
        this.stateFile = stateFile;
        this.contents = contents;
    }

    /**
     * Finds a supervisor's state file.
     *
     * @param stateDirectory the {@code [multi] state-dir} ({@code .cleave} by default), relative
     *     to the working directory the application was started in
     * @param application the application's name; empty to take the only one there
     * @return the handle; the supervisor may have died since (see {@link #alive()})
     * @throws IllegalStateException if there is no state file, several applications and none
     *     named, or the file is unreadable; the message says what was looked for
     */
    public static SupervisorHandle find(Path stateDirectory, Optional<String> application) {
        Path file;
        if (application.isPresent()) {
            file = stateDirectory.resolve(application.get()).resolve(StateFile.NAME);
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("no supervisor of " + application.get() + " found: " + file.toAbsolutePath()
                        + " does not exist (is it running with --deployer=multi from this directory, with this state-dir?)");
            }
        } else {
            List<Path> found = new ArrayList<>();
            if (Files.isDirectory(stateDirectory)) {
                try (DirectoryStream<Path> dirs = Files.newDirectoryStream(stateDirectory, Files::isDirectory)) {
                    for (Path d : dirs) {
                        if (Files.isRegularFile(d.resolve(StateFile.NAME))) {
                            found.add(d.resolve(StateFile.NAME));
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("cannot list " + stateDirectory.toAbsolutePath() + ": " + e.getMessage(), e);
                }
            }
            if (found.isEmpty()) {
                throw new IllegalStateException("no supervisor found: no " + stateDirectory.toAbsolutePath() + "/*/"
                        + StateFile.NAME + " (is an application running with --deployer=multi from this directory?)");
            }
            if (found.size() > 1) {
                throw new IllegalStateException("several applications have supervisor state in "
                        + stateDirectory.toAbsolutePath() + ": " + found.stream().map(p -> p.getParent().getFileName()
                        .toString()).sorted().toList() + "; name one");
            }
            file = found.get(0);
        }
        try {
            StateFile.Contents contents = new StateFile(file).read().orElseThrow(() -> new IllegalStateException(
                    file.toAbsolutePath() + " disappeared: the supervisor just stopped"));
            return new SupervisorHandle(file, contents);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** @return the application's name */
    public String application() {
        return contents.application();
    }

    /** @return the supervisor's process id */
    public long pid() {
        return contents.pid();
    }

    /** @return the consolidated log file */
    public Path log() {
        return contents.log();
    }

    /** @return whether the supervisor's process still runs */
    public boolean alive() {
        return contents.alive();
    }

    /**
     * Asks the supervisor for its status.
     *
     * @return the report
     * @throws IllegalStateException if the supervisor is not running (its state file is stale)
     *     or does not answer; the message says which
     */
    public StatusReport status() {
        if (!alive()) {
            throw new IllegalStateException("the supervisor of " + application() + " (pid " + pid() + ") is not running;"
                    + " " + stateFile.toAbsolutePath() + " is stale (was it killed?)");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), contents.statusPort()),
                    (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("STATUS " + contents.secret() + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (reply == null) {
                throw new IOException("it closed the connection without answering");
            }
            return StatusReport.fromJson(Json.parse(reply));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the supervisor of " + application() + " (pid " + pid() + ") did not answer on"
                    + " 127.0.0.1:" + contents.statusPort() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The address of the dashboard of the whole running application, served by the supervisor's
     * process (cleave-observe's admin endpoint, on loopback), with the supervisor's secret after
     * {@code #token=}: a browser keeps what follows {@code #} to itself (never sends it, nor
     * logs it on the server), and the page takes it out of the address bar and presents it to
     * the supervisor on each request. Whoever has the address sees what {@code cleave status}
     * shows and the log lines of traces: the state file it comes from is the starting user's only.
     *
     * @return the address; empty when the supervisor serves no dashboard (cleave-observe is not on
     *     its class path, or {@code [observe] enabled = false})
     * @throws IllegalStateException if the supervisor is not running or does not answer
     */
    public Optional<String> dashboard() {
        String page = status().endpoints().get("dashboard");
        return page == null ? Optional.empty() : Optional.of(page + "#token=" + contents.secret());
    }

    /**
     * Passes the consolidated log to {@code out}, line by line, in the order written (time
     * order). With {@code follow}, keeps passing new lines as they are written until the
     * supervisor exits or the calling thread is interrupted.
     *
     * @param out receives each line
     * @param follow whether to wait for new lines
     * @param group only lines of this group's replicas (tagged {@code group/n}), or all when empty
     * @throws UncheckedIOException if the log cannot be read
     */
    public void logs(Consumer<String> out, boolean follow, Optional<String> group) {
        Path file = log();
        String prefix = group.map(g -> " " + g + "/").orElse("");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] buffer = new byte[8192];
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            while (true) {
                int n = raf.read(buffer);
                if (n > 0) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            emit(line.toString(StandardCharsets.UTF_8), prefix, out);
                            line.reset();
                        } else {
                            line.write(buffer[i]);
                        }
                    }
                    continue;
                }
                if (!follow || Thread.currentThread().isInterrupted() || !alive()) {
                    if (line.size() > 0 && !follow) {
                        emit(line.toString(StandardCharsets.UTF_8), prefix, out);
                    }
                    return;
                }
                try {
                    Thread.sleep(FOLLOW_POLL.toMillis()); // tail -f: poll the file for growth
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log " + file + ": " + e.getMessage(), e);
        }
    }

    private static void emit(String line, String prefix, Consumer<String> out) {
        if (prefix.isEmpty() || line.contains(prefix) && line.indexOf(prefix) == line.indexOf(' ')) {
            out.accept(line);
        }
    }

    @Override
    public String toString() {
        return "SupervisorHandle[" + application() + ", pid " + pid() + ", " + stateFile + "]";
    }
}
