package io.cleave.shop.payments;

import java.util.Optional;

/** Card numbers as the shop's forms accept them: 12 to 19 digits, spaces and dashes allowed, Luhn-valid. */
public final class CardNumber {

    private CardNumber() {
    }

    /**
     * Normalizes a card number as typed.
     *
     * @param typed the number with optional spaces and dashes
     * @return the digits, or empty if they are not a plausible card number
     */
    public static Optional<String> digits(String typed) {
        String digits = typed.replaceAll("[\\s-]", "");
        if (!digits.matches("[0-9]{12,19}") || !luhn(digits)) {
            return Optional.empty();
        }
        return Optional.of(digits);
    }

    private static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }
}
