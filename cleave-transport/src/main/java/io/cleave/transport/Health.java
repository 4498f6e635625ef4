package io.cleave.transport;

/** What a client believes about one replica. */
public enum Health {
    /** Not contacted yet, or connected and not answered yet; gets calls (the first call connects). */
    UNKNOWN,
    /** Answers on its connection (a pong, a reply); gets calls. */
    HEALTHY,
    /**
     * Connection refused or lost, a ping unanswered for half a ping interval, or the replica is
     * going away; gets no calls (while another replica is available) until it answers again. A new
     * connection alone does not make it healthy: the kernel accepts connections for a stopped process.
     */
    UNHEALTHY,
    /** Failed too many calls in a row; gets no calls until its ejection time ends. */
    EJECTED
}
