/** Supplies {@link io.cleave.Events} and {@link io.cleave.Inbox}: events through a transactional outbox, applied once. */
package io.cleave.events;
