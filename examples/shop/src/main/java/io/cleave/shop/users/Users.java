package io.cleave.shop.users;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.shop.InvalidInputException;

/**
 * Customer accounts and their sessions. Passwords are kept only as salted PBKDF2 hashes;
 * sessions are random bearer tokens that expire, kept only as their SHA-256 digest.
 */
@Component
public interface Users {

    /**
     * Creates an account and opens a session for it.
     *
     * @param email the login name; compared case-insensitively
     * @param password at least 8 characters
     * @param name how the shop addresses the customer, 1 to 100 characters
     * @return a new session
     * @throws InvalidInputException if the e-mail, password or name is malformed
     * @throws EmailTakenException if an account with that e-mail exists
     */
    Session signUp(String email, String password, String name) throws InvalidInputException, EmailTakenException;

    /**
     * Opens a session for an existing account.
     *
     * @param email the account's e-mail
     * @param password its password
     * @param clientAddress where the attempt comes from, for throttling; empty when unknown
     * @return a new session
     * @throws InvalidCredentialsException if no account has that e-mail and password; the
     *     message does not say which of the two was wrong
     * @throws LoginThrottledException if this account, or this client address, failed to log in
     *     too often lately ({@code [Users] login-attempts-per-account}, {@code -per-address},
     *     {@code login-window}); checked before the password, so even the right one is refused
     */
    Session logIn(String email, String password, String clientAddress)
            throws InvalidCredentialsException, LoginThrottledException;

    /**
     * Closes a session; closing an unknown or closed session does nothing.
     *
     * @param token the session's token
     */
    @Idempotent
    void logOut(String token);

    /**
     * Finds whose session a token is.
     *
     * @param token a session token
     * @return the session's user
     * @throws SessionExpiredException if the token is unknown, closed or expired
     */
    @Idempotent
    User authenticate(String token) throws SessionExpiredException;
}
