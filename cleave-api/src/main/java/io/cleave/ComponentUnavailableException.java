package io.cleave;

import java.io.Serial;

/**
 * A call to a component could not be completed because no replica of it could be reached, or
 * the connection failed while the call was in flight, or its deadline passed. Whether the
 * callee ran the method is unknown unless {@link #certainlyNotDelivered()} says otherwise.
 */
public class ComponentUnavailableException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final boolean certainlyNotDelivered;

    /**
     * Creates the exception.
     *
     * @param message which component and method, and why
     * @param certainlyNotDelivered true when the call never left the caller
     * @param cause the transport failure
     */
    public ComponentUnavailableException(String message, boolean certainlyNotDelivered, Throwable cause) {
        super(message, cause);
        this.certainlyNotDelivered = certainlyNotDelivered;
    }

    /**
     * Creates the exception without a cause.
     *
     * @param message which component and method, and why
     * @param certainlyNotDelivered true when the call never left the caller
     */
    public ComponentUnavailableException(String message, boolean certainlyNotDelivered) {
        super(message);
        this.certainlyNotDelivered = certainlyNotDelivered;
    }

    /**
     * Whether the call certainly never reached the callee (so retrying it is always safe).
     *
     * @return true when the call was never sent
     */
    public boolean certainlyNotDelivered() {
        return certainlyNotDelivered;
    }
}
