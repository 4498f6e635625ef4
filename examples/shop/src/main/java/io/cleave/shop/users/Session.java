package io.cleave.shop.users;

import java.time.Instant;

/**
 * An open session: the bearer token the client presents with every request.
 *
 * @param token the secret token; only its digest is stored
 * @param user whose session it is
 * @param expiresAt when the token stops being accepted
 */
public record Session(String token, User user, Instant expiresAt) {
}
