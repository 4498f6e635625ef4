package io.cleave.gateway;

import io.helidon.http.RequestException;
import io.helidon.webclient.api.ClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serial;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Optional;

/**
 * A request's body on its way upstream. Up to {@link #BUFFERED} bytes are read before any replica
 * is called: a body that small is held whole (so its framing is checked before anything goes
 * upstream, and it can be resent to another replica); a larger one is streamed, its first part
 * from memory and the rest as it arrives, and cannot be resent once any of it went out.
 */
final class RequestBody {

    static final int BUFFERED = 64 * 1024;

    private final byte[] head;
    private final int headLength;
    private final InputStream rest; // null when the head is the whole body, or for no body
    private final boolean present;
    private volatile boolean streamed;
    private volatile Malformed clientFailure;

    private RequestBody(boolean present, byte[] head, int headLength, InputStream rest) {
        this.present = present;
        this.head = head;
        this.headLength = headLength;
        this.rest = rest;
    }

    /**
     * Reads the first part of the body.
     *
     * @throws Malformed when the client's body cannot be read as its framing says, is over
     *     {@code max-body}, or stops coming within {@code read-timeout}
     */
    static RequestBody read(ServerRequest req, long maxBody) throws Malformed {
        if (!req.content().hasEntity()) {
            return new RequestBody(false, new byte[0], 0, null);
        }
        InputStream in = req.content().inputStream();
        byte[] head = new byte[BUFFERED + 1];
        int n = 0;
        try {
            for (int r = 0; n < head.length && (r = in.read(head, n, head.length - n)) >= 0; ) {
                n += r;
            }
        } catch (IOException | RuntimeException e) {
            throw Malformed.of(e, maxBody);
        }
        if (n <= BUFFERED) {
            return new RequestBody(true, Arrays.copyOf(head, n), n, null);
        }
        return new RequestBody(true, head, n, in);
    }

    /** Whether the body can go to another replica: it is held whole, or none of it went out. */
    boolean resendable() {
        return rest == null || !streamed;
    }

    /** The client's failure while the body was streamed upstream, if that is why a call failed. */
    Optional<Malformed> clientFailure() {
        return Optional.ofNullable(clientFailure);
    }

    HttpClientResponse send(ClientRequest<?> out) {
        if (!present) {
            return out.request();
        }
        if (rest == null) {
            return out.submit(headLength == head.length ? head : Arrays.copyOf(head, headLength));
        }
        return out.outputStream(os -> {
            streamed = true;
            os.write(head, 0, headLength);
            copyRest(os);
            os.close();
        });
    }

    private void copyRest(OutputStream os) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        while (true) {
            int n;
            try {
                n = rest.read(buffer);
            } catch (IOException | RuntimeException e) {
                clientFailure = Malformed.of(e, Long.MAX_VALUE);
                throw new UncheckedIOException(new IOException("the client's body failed", e));
            }
            if (n < 0) {
                return;
            }
            os.write(buffer, 0, n);
        }
    }

    /** The client's body could not be read as its framing says: nothing of it is forwarded whole. */
    static final class Malformed extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;

        final int status;

        Malformed(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        static Malformed of(Throwable e, long maxBody) {
            // Helidon throws its own runtime exceptions for bad chunk sizes, a short body, a body over the limit
            if (e instanceof RequestException refused && refused.status().code() == 413) {
                return new Malformed(413, "request body over the limit of " + maxBody + " bytes");
            }
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof SocketTimeoutException) {
                    return new Malformed(408, "request body not received within the gateway's read-timeout");
                }
            }
            String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                    : e.getMessage();
            return new Malformed(400, "malformed request body: " + message);
        }
    }
}
