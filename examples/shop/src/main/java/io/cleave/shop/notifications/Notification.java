package io.cleave.shop.notifications;

import java.time.Instant;
import java.util.UUID;

/**
 * A message in a customer's inbox.
 *
 * @param id the message's identity
 * @param subject a one-line summary
 * @param body the message
 * @param sentAt when it was delivered
 * @param read whether the customer marked it read
 */
public record Notification(UUID id, String subject, String body, Instant sentAt, boolean read) {
}
