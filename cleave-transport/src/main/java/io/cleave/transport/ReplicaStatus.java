package io.cleave.transport;

/**
 * A client's view of one replica, for dashboards, the supervisor and tests.
 *
 * @param replica the replica
 * @param health what the client believes
 * @param outstanding calls in flight to it now
 * @param calls calls sent to it since the client started (each attempt counts)
 * @param consecutiveFailures transport failures since the last success
 */
public record ReplicaStatus(Replica replica, Health health, int outstanding, long calls, int consecutiveFailures) {
}
