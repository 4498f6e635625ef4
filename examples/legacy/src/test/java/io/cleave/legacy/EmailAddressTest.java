package io.cleave.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmailAddressTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ada@example.com|ada@example.com",
        "' Ada.Lovelace+news@Mail.Example.CO.UK '|ada.lovelace+news@mail.example.co.uk",
        "o'brien@example-shop.io|o'brien@example-shop.io",
    })
    void normalisesAValidAddressToLowerCaseWithoutSurroundingSpaces(String typed, String stored) {
        EmailAddress address = EmailAddress.parse(typed);

        assertThat(address.value()).isEqualTo(stored);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|it is empty",
        "ada.example.com|it needs exactly one '@'",
        "ada@home@example.com|it needs exactly one '@'",
        "@example.com|nothing comes before the '@'",
        "ada@|no domain comes after the '@'",
        "ada@localhost|the domain \"localhost\" has no '.'",
        "ada lovelace@example.com|the part before the '@' may hold letters, digits",
        ".ada@example.com|a '.' before the '@' may not come first, last or twice in a row",
        "ada..l@example.com|a '.' before the '@' may not come first, last or twice in a row",
        "ada@-example.com|the domain \"-example.com\" has a part \"-example\"",
        "ada@example..com|has a part \"\"",
        "ada@example.c0m|does not end in a top-level domain of letters",
    })
    void refusesAnInvalidAddressSayingWhy(String typed, String why) {
        assertThatThrownBy(() -> EmailAddress.parse(typed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("\"email\": \"" + typed + "\" is not an e-mail address: ")
                .hasMessageContaining(why);
    }

    @Test
    void refusesALocalPartOver64Characters() {
        String typed = "a".repeat(65) + "@example.com";

        assertThatThrownBy(() -> EmailAddress.parse(typed))
                .hasMessage("\"email\": \"" + typed + "\" is not an e-mail address: the part before the '@' has 65"
                        + " characters, at most 64 are allowed");
    }

    @Test
    void refusesAnAddressOver254CharactersQuotingOnlyItsStart() {
        String typed = "ada@" + "a".repeat(250) + ".com";

        assertThatThrownBy(() -> EmailAddress.parse(typed))
                .hasMessage("\"email\": \"ada@" + "a".repeat(76) + "...\" is not an e-mail address: it has 258"
                        + " characters, at most 254 are allowed");
    }
}
