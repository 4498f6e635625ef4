package io.cleave.transport;

/**
 * A client's view of one replica, for dashboards, the supervisor and tests.
 *
 * @param replica the replica
 * @param health what the client believes
 * @param answering whether the replica answers: a frame arrived on its current connection and no
 *     ping since went unanswered; false before its first answer. A process that is stopped or hung
 *     does not answer, though the kernel may still accept connections for it.
 * @param outstanding calls in flight to it now
 * @param calls calls sent to it since the client started (each attempt counts)
 * @param consecutiveFailures transport failures since the last success
 */
public record ReplicaStatus(Replica replica, Health health, boolean answering, int outstanding, long calls,
        int consecutiveFailures) {
}
