package io.cleave.legacy;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An e-mail address as the newsletter stores it: surrounding spaces removed, lower case, so that
 * {@code Ada@Example.com } and {@code ada@example.com} are one subscriber.
 *
 * @param value the normalised address
 */
record EmailAddress(String value) {

    private static final int MAX_LENGTH = 254;
    private static final int MAX_LOCAL_LENGTH = 64;
    /** How much of a rejected address its error message quotes. */
    private static final int SHOWN = 80;
    private static final Pattern LOCAL_CHARS = Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~.-]+");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern TOP_LEVEL = Pattern.compile("[a-z]{2,63}");

    /**
     * Checks and normalises an address as a subscriber typed it.
     *
     * @param typed the address
     * @return the normalised address
     * @throws IllegalArgumentException saying what is wrong with it, quoting it
     */
    static EmailAddress parse(String typed) {
        String email = typed.strip().toLowerCase(Locale.ROOT);
        if (email.isEmpty()) {
            throw invalid(typed, "it is empty");
        }
        if (email.length() > MAX_LENGTH) {
            throw invalid(typed, "it has " + email.length() + " characters, at most " + MAX_LENGTH + " are allowed");
        }
        int at = email.indexOf('@');
        if (at < 0 || at != email.lastIndexOf('@')) {
            throw invalid(typed, "it needs exactly one '@', as in ada@example.com");
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        if (local.isEmpty()) {
            throw invalid(typed, "nothing comes before the '@'");
        }
        if (local.length() > MAX_LOCAL_LENGTH) {
            throw invalid(typed, "the part before the '@' has " + local.length() + " characters, at most "
                    + MAX_LOCAL_LENGTH + " are allowed");
        }
        if (!LOCAL_CHARS.matcher(local).matches()) {
            throw invalid(typed, "the part before the '@' may hold letters, digits and !#$%&'*+/=?^_`{|}~.- only");
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw invalid(typed, "a '.' before the '@' may not come first, last or twice in a row");
        }
        if (domain.isEmpty()) {
            throw invalid(typed, "no domain comes after the '@'");
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            throw invalid(typed, "the domain \"" + domain + "\" has no '.', as in example.com");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw invalid(typed, "the domain \"" + domain + "\" has a part \"" + label
                        + "\" that is not 1 to 63 letters, digits and inner hyphens");
            }
        }
        if (!TOP_LEVEL.matcher(labels[labels.length - 1]).matches()) {
            throw invalid(typed, "the domain \"" + domain + "\" does not end in a top-level domain of letters, as in .com");
        }
        return new EmailAddress(email);
    }

    private static IllegalArgumentException invalid(String typed, String why) {
        String shown = typed.length() <= SHOWN ? typed : typed.substring(0, SHOWN) + "...";
        return new IllegalArgumentException("\"email\": \"" + shown + "\" is not an e-mail address: " + why);
    }
}
