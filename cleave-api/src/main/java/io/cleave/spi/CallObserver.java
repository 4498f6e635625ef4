package io.cleave.spi;

/**
 * Watches the calls a process makes to a component hosted in it, without standing between caller
 * and instance: the generated {@linkplain ComponentDescriptor#observed() observed reference} calls
 * the instance's method itself, with the caller's arguments as they are (no arguments array, no
 * boxing), and tells the observer when each call begins and ends. A call the observer wants to
 * handle itself (one it traces, say) goes through the decorated {@link Invoker} instead, as a stub
 * would send it.
 */
public interface CallObserver {

    /** What {@link #begin} answers for a call that must go through the invoker instead. */
    long THROUGH_INVOKER = Long.MIN_VALUE;

    /**
     * A call starts on this thread.
     *
     * @param method the called method
     * @return a value {@link #end} gets back (such as the clock's reading), or {@link #THROUGH_INVOKER}:
     *     the call then goes through the invoker, and {@link #end} is not called for it
     */
    long begin(MethodDescriptor method);

    /**
     * The call {@link #begin} let through ended, on the same thread.
     *
     * @param method the called method
     * @param begun what {@link #begin} answered
     * @param failure what the method threw, or null when it returned
     */
    void end(MethodDescriptor method, long begun, Throwable failure);
}
