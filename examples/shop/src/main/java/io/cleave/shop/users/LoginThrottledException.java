package io.cleave.shop.users;

import java.io.Serial;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Log-in refused without looking at the password: the account or the client address failed too
 * often within {@code [Users] login-window}. The message ends with how long to wait, which is all
 * that crosses a process boundary ({@link #retryAfterSeconds()} reads it back).
 */
public class LoginThrottledException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;
    private static final Pattern WAIT = Pattern.compile("try again in (\\d+) s$");

    /**
     * Creates the exception.
     *
     * @param message a message for the client, ending with {@code "try again in N s"}
     */
    public LoginThrottledException(String message) {
        super(message);
    }

    /**
     * Creates the exception for a wait.
     *
     * @param what {@code "this account"} or {@code "this address"}
     * @param seconds how long until an attempt is allowed again
     */
    LoginThrottledException(String what, long seconds) {
        this("too many failed log-ins for " + what + "; try again in " + seconds + " s");
    }

    /**
     * How long to wait before trying again.
     *
     * @return whole seconds, at least 1
     */
    public long retryAfterSeconds() {
        Matcher m = WAIT.matcher(String.valueOf(getMessage()));
        return m.find() ? Math.max(1, Long.parseLong(m.group(1))) : 1;
    }
}
