package io.cleave;

import java.io.Serial;

/**
 * The callee threw something its method does not declare (a bug or an unexpected runtime
 * failure). Declared checked exceptions never arrive as this type: they arrive as themselves.
 */
public class RemoteFailureException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String component;
    private final String method;
    private final String replica;
    private final String remoteType;

    /**
     * Creates the exception.
     *
     * @param component the callee component's name
     * @param method the method's name
     * @param replica the replica that failed, such as {@code "orders/1"}, or {@code "local"}
     * @param remoteType the class name of the exception thrown by the callee
     * @param remoteMessage its message, possibly empty
     */
    public RemoteFailureException(String component, String method, String replica, String remoteType, String remoteMessage) {
        super(component + "." + method + " failed on " + replica + ": " + remoteType
                + (remoteMessage.isEmpty() ? "" : ": " + remoteMessage));
        this.component = component;
        this.method = method;
        this.replica = replica;
        this.remoteType = remoteType;
    }

    /** @return the callee component's name */
    public String component() {
        return component;
    }

    /** @return the method's name */
    public String method() {
        return method;
    }

    /** @return the replica that failed */
    public String replica() {
        return replica;
    }

    /** @return the class name of the exception the callee threw */
    public String remoteType() {
        return remoteType;
    }
}
