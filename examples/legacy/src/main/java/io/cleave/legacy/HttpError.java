package io.cleave.legacy;

/** A request the shop refuses: its status and the message of its JSON error body. */
final class HttpError extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String allow;
    private final boolean closing;

    private HttpError(int status, String message, String allow, boolean closing) {
        super(message, null, false, false);
        this.status = status;
        this.allow = allow;
        this.closing = closing;
    }

    /**
     * A refusal.
     *
     * @param status the HTTP status, 4xx or 5xx
     * @param message what was wrong, naming the part of the request at fault
     */
    HttpError(int status, String message) {
        this(status, message, "", false);
    }

    /** A {@code 405}, listing the methods the path allows in its {@code Allow} header. */
    static HttpError methodNotAllowed(String method, String path, String allow) {
        return new HttpError(405, method + " is not allowed on " + path + "; it allows " + allow, allow, false);
    }

    /** This refusal, closing the connection after it (the rest of the request was not read). */
    HttpError closing() {
        return new HttpError(status, getMessage(), allow, true);
    }

    /** The reply: the JSON error, with {@code Allow} or {@code Connection: close} where they apply. */
    Reply reply() {
        Reply reply = Reply.error(status, getMessage());
        if (!allow.isEmpty()) {
            reply = reply.with("Allow", allow);
        }
        return closing ? reply.with("Connection", "close") : reply;
    }
}
