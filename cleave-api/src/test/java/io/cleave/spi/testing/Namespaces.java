package io.cleave.spi.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Hosts for tests of what crosses a network, on one machine: network namespaces joined by veth
 * pairs ({@code ip netns}, {@code ip link}, from iproute2; root is needed). A test makes its
 * namespaces, starts processes in them ({@link #java}), cuts a link ({@code ip link set ... down}:
 * packets vanish, nothing is closed), and deletes them at the end, which takes their links along.
 */
public final class Namespaces {

    private Namespaces() {
    }

    /**
     * Makes a namespace, or skips the test, loudly, where none can be made; under {@code CI=true}
     * fails it instead (CI provides what the tests need).
     *
     * @param test the test's name, for the message
     * @param name the namespace's name
     * @throws AssertionError under {@code CI=true} when no namespace can be made
     */
    public static void addOrSkip(String test, String name) {
        if (tryRun("ip", "netns", "add", name)) {
            return;
        }
        String why = "network namespaces cannot be made here (ip netns add failed: root and iproute2 are needed)";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true, and " + why);
        }
        System.err.println("\n*** SKIPPING " + test + ": " + why + " ***\n");
        Assumptions.abort(why);
    }

    /**
     * Joins two namespaces by a veth pair, each end with its address (a /24) and up, loopback up.
     *
     * @param ns1 a namespace, or null for the test's own
     * @param end1 the name of the end in it
     * @param address1 the end's address
     * @param ns2 the other namespace
     * @param end2 the name of the end in it
     * @param address2 the end's address
     * @throws IOException if a command fails
     */
    public static void link(String ns1, String end1, String address1, String ns2, String end2, String address2)
            throws IOException {
        List<String> add = new ArrayList<>(List.of("ip", "link", "add", end1));
        if (ns1 != null) {
            add.addAll(List.of("netns", ns1));
        }
        add.addAll(List.of("type", "veth", "peer", "name", end2, "netns", ns2));
        run(add.toArray(String[]::new));
        for (String[] side : new String[][] {{ns1, end1, address1}, {ns2, end2, address2}}) {
            run(ip(side[0], "addr", "add", side[2] + "/24", "dev", side[1]));
            run(ip(side[0], "link", "set", side[1], "up"));
            if (side[0] != null) {
                run(ip(side[0], "link", "set", "lo", "up"));
            }
        }
    }

    /**
     * Takes a link's end down or up again: down, what is sent over it vanishes and nothing is
     * closed, as when a cable is pulled.
     *
     * @param ns the end's namespace, or null for the test's own
     * @param end the end's name
     * @param up whether to take it up (else down)
     * @throws IOException if the command fails
     */
    public static void setLink(String ns, String end, boolean up) throws IOException {
        run(ip(ns, "link", "set", end, up ? "up" : "down"));
    }

    /**
     * Deletes a namespace, and with it its links' ends and their peers; quietly.
     *
     * @param name the namespace
     */
    public static void delete(String name) {
        tryRun("ip", "netns", "del", name);
    }

    /**
     * The command that runs a Java main class in a namespace, with this JVM's {@code java} and class path.
     *
     * @param ns the namespace
     * @param main the main class
     * @param arguments its arguments
     * @return the command
     */
    public static List<String> java(String ns, Class<?> main, String... arguments) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(arguments));
        return command;
    }

    /**
     * Ends a process started by {@link #java} that runs until its standard input ends: closes its
     * input, waits 30 s for it to exit, then kills it and what it started.
     *
     * @param process the process
     * @throws IOException if its input cannot be closed
     * @throws InterruptedException if interrupted while waiting
     */
    public static void end(Process process) throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /**
     * Waits until a TCP connection from a namespace to an address is accepted, at most 30 s: a link
     * just made, or just brought up again, may drop packets for a moment.
     *
     * @param ns the namespace, or null for the test's own
     * @param host the address
     * @param port the port
     * @throws IOException naming the address if no connection was accepted
     */
    public static void awaitReachable(String ns, String host, int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String probe = "exec 3<>/dev/tcp/" + host + "/" + port;
        while (!tryRun(ns == null ? new String[] {"timeout", "2", "bash", "-c", probe}
                : new String[] {"ip", "netns", "exec", ns, "timeout", "2", "bash", "-c", probe})) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("nothing accepted a connection to " + host + ":" + port + " from "
                        + (ns == null ? "the test's namespace" : "namespace " + ns) + " within 30 s");
            }
            try {
                Thread.sleep(100); // a poll interval: a refused connection fails at once
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + host + ":" + port, e);
            }
        }
    }

    /**
     * Runs a command to its end (at most a minute).
     *
     * @param command the command
     * @throws IOException naming the command and its output, if it fails or takes longer
     */
    public static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
    }

    /**
     * Runs a command, answering whether it succeeded.
     *
     * @param command the command
     * @return whether it exited 0 within a minute
     */
    public static boolean tryRun(String... command) {
        try {
            run(command);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String[] ip(String ns, String... rest) {
        List<String> command = new ArrayList<>(List.of("ip"));
        if (ns != null) {
            command.addAll(List.of("-n", ns));
        }
        command.addAll(List.of(rest));
        return command.toArray(String[]::new);
    }
}
