package io.cleave.deploy;

import io.cleave.transport.Replica;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * One end of the control connection between the supervisor and a child: UTF-8 text, one
 * message per line, words separated by single spaces.
 *
 * <pre>
 * child      -&gt; supervisor  HELLO token group replica pid key first line; a wrong one is answered DENY and closed
 *                                                              key: the child's new public key (base64 DER), "-" if
 *                                                              the supervisor issues no certificates
 * supervisor -&gt; child       CERT chain trusted                 its certificate for that key, naming its group and
 *                                                              replica, and the authorities to trust (base64 DER, ",")
 * supervisor -&gt; child       ROUTE component addr,addr,...      the component's ready replicas ("-" for none); any time
 * supervisor -&gt; child       UPSTREAM listener url,url,...      to the gateway's processes: the listener's ready replicas
 *                                                              ("-" for none); any time
 * supervisor -&gt; child       GO                                 after CERT and the initial ROUTEs: construct and start
 * child      -&gt; supervisor  READY host:port                    the child's RpcServer serves at this advertised address
 * child      -&gt; supervisor  RENEW key                          a new key to certify, before the certificate ends; CERT follows
 * child      -&gt; supervisor  CALLS {json}                       how its calls to each component stand, when that changed
 * child      -&gt; supervisor  ENDPOINTS {json}                   what it serves for people and tools (its metrics URL), once
 * supervisor -&gt; child       STOP                               drain calls in flight, stop, exit 0
 * supervisor -&gt; child       DENY reason                        the HELLO was refused; the child exits
 * </pre>
 *
 * <p>End of stream means the other side is gone: a child whose supervisor disappears (even by
 * {@code kill -9}, since the kernel closes the socket) drains and exits; the supervisor learns
 * of a child's end from the process itself.
 */
final class ControlLine implements AutoCloseable {

    static final String HELLO = "HELLO";
    static final String ROUTE = "ROUTE";
    static final String GO = "GO";
    static final String READY = "READY";
    static final String STOP = "STOP";
    static final String DENY = "DENY";
    static final String CALLS = "CALLS";
    static final String ENDPOINTS = "ENDPOINTS";
    static final String CERT = "CERT";
    static final String RENEW = "RENEW";
    static final String UPSTREAM = "UPSTREAM";

    /** Longest line accepted; a control line is short, so anything longer is an error. */
    static final int MAX_LINE = 64 * 1024;

    private final Socket socket;
    private final BufferedReader in;
    private final BufferedWriter out;

    ControlLine(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
    }

    /** Sets how long {@link #read()} may block; zero for ever. */
    void timeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /** @return the words of the next line; empty at end of stream */
    Optional<List<String>> read() throws IOException {
        String line = in.readLine();
        if (line == null) {
            return Optional.empty();
        }
        if (line.length() > MAX_LINE) {
            throw new IOException("control line of " + line.length() + " characters is longer than " + MAX_LINE);
        }
        return Optional.of(List.of(line.split(" ", -1)));
    }

    /** Sends one line; thread-safe. */
    void send(String... words) throws IOException {
        String line = String.join(" ", words);
        synchronized (out) {
            out.write(line);
            out.write('\n');
            out.flush();
        }
    }

    static String addresses(Collection<Replica> replicas) {
        if (replicas.isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        replicas.forEach(r -> parts.add(r.toString()));
        return String.join(",", parts);
    }

    /** URLs as {@link #urls} writes them. */
    static List<java.net.URI> parseUrls(String text) {
        if (text.equals("-")) {
            return List.of();
        }
        List<java.net.URI> urls = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            urls.add(java.net.URI.create(part));
        }
        return urls;
    }

    /** URLs separated by commas, {@code -} for none. */
    static String urls(Collection<String> urls) {
        return urls.isEmpty() ? "-" : String.join(",", urls);
    }

    /** @throws IllegalArgumentException if an address is not host:port */
    static List<Replica> parseAddresses(String text) {
        if (text.equals("-")) {
            return List.of();
        }
        List<Replica> replicas = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            replicas.add(Replica.parse(part));
        }
        return replicas;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket we are done with; nothing to do
        }
    }
}
