package io.cleave;

import java.io.Serial;

/**
 * A call's request or reply is larger than the transport carries (its frame limit), so the call
 * failed at the caller. A request that is too large was never sent; a reply that is too large
 * was produced by a method that did run (the callee answers this error instead). Retrying cannot
 * help: the same message is as large the next time, so no retry policy should retry it.
 */
public class MessageTooLargeException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String component;
    private final String method;
    private final long bytes;
    private final long limit;

    /**
     * Creates the exception; its message names the method, the size and the limit.
     *
     * @param component the callee component's name
     * @param method the method's name
     * @param what {@code "request"} or {@code "reply"}
     * @param bytes the message's size as encoded, in bytes
     * @param limit the largest message the transport carries, in bytes
     * @param consequence what happened to the call, such as {@code "it was not sent"}
     */
    public MessageTooLargeException(String component, String method, String what, long bytes, long limit,
            String consequence) {
        super(component + "." + method + ": the " + what + " is " + bytes + " bytes, over the transport's limit of "
                + limit + " bytes per message ([transport] max-frame-bytes); " + consequence);
        this.component = component;
        this.method = method;
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

    /** @return the message's size as encoded, in bytes */
    public long bytes() {
        return bytes;
    }

    /** @return the largest message the transport carries, in bytes */
    public long limit() {
        return limit;
    }
}
