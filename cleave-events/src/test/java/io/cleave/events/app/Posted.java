package io.cleave.events.app;

/**
 * The test event: an entry posted to an account.
 *
 * @param account the account, the event's key
 * @param n the entry's number within the account, 1, 2, 3... in commit order
 * @param amount how much; -1 is refused by Audit until it accepts negatives (a poison event)
 */
public record Posted(String account, long n, long amount) {
}
