package io.cleave.transport;

/** What a client believes about one replica. */
public enum Health {
    /** Not contacted yet; gets calls (the first call connects). */
    UNKNOWN,
    /** Connected and answering pings; gets calls. */
    HEALTHY,
    /** Connection refused or lost, pings unanswered, or the replica is going away; gets no calls until reconnected. */
    UNHEALTHY,
    /** Failed too many calls in a row; gets no calls until its ejection time ends. */
    EJECTED
}
