package io.cleave;

import java.io.Serial;

/**
 * A call's encoded arguments, or its encoded reply, are larger than a call between components
 * may carry ({@code [transport] max-message-bytes}, 16 MiB by default), so the call failed.
 * Arguments that are too large were not sent: the caller gets this exception before anything
 * leaves it. A reply that is too large was produced by a method that did run, and is dropped:
 * the caller gets this failure as a {@link RemoteFailureException} whose
 * {@link RemoteFailureException#remoteType() remoteType()} is this class, unless its own
 * transport dropped the reply, when it gets this exception. Retrying cannot help, since the
 * same message is as large the next time: no retry policy should retry it.
 */
public class MessageTooLargeException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String component;
    private final String method;
    private final boolean reply;
    private final long bytes;
    private final long limit;

    /**
     * Creates the exception, saying what became of the call: arguments were not sent; a reply was
     * dropped after the method ran.
     *
     * @param component the callee component's name
     * @param method the method's name
     * @param reply true for the reply, false for the arguments
     * @param bytes the message's size as encoded
     * @param limit the most bytes a call between components may carry
     */
    public MessageTooLargeException(String component, String method, boolean reply, long bytes, long limit) {
        this(component, method, reply, bytes, limit, reply ? "the method ran and its result was dropped" : "it was not sent");
    }

    /**
     * Creates the exception.
     *
     * @param component the callee component's name
     * @param method the method's name
     * @param reply true for the reply, false for the arguments
     * @param bytes the message's size as encoded
     * @param limit the most bytes a call between components may carry
     * @param consequence what became of the call, such as {@code "it was not sent"}
     */
    public MessageTooLargeException(String component, String method, boolean reply, long bytes, long limit,
            String consequence) {
        super(component + "." + method + ": " + (reply ? "its reply encodes" : "its arguments encode") + " to " + bytes
                + " bytes, more than the " + limit + " a call between components may carry ([transport] max-message-bytes); "
                + consequence);
        this.component = component;
        this.method = method;
        this.reply = reply;
        this.bytes = bytes;
        this.limit = limit;
    }

    /** @return the callee component's name */
    public String component() {
        return component;
    }

    /** @return the method's name */
    public String method() {
        return method;
    }

    /** @return true when the reply was too large, false when the arguments were */
    public boolean reply() {
        return reply;
    }

    /** @return the message's size as encoded, in bytes */
    public long bytes() {
        return bytes;
    }

    /** @return the most bytes a call between components may carry */
    public long limit() {
        return limit;
    }
}
