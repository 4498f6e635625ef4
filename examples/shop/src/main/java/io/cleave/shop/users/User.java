package io.cleave.shop.users;

import java.util.UUID;

/**
 * A customer account, without its credentials.
 *
 * @param id the account's identity, never reused
 * @param email its login name, in lower case
 * @param name how the shop addresses the customer
 */
public record User(UUID id, String email, String name) {
}
