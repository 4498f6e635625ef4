package io.cleave.shop.payments;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CardNumberTest {

    @Test
    void acceptsTestCardsWithSpacesOrDashes() {
        assertThat(CardNumber.digits("4242 4242 4242 4242")).contains("4242424242424242");
        assertThat(CardNumber.digits("4000-0000-0000-0002")).contains("4000000000000002");
    }

    @Test
    void rejectsNumbersFailingTheLuhnCheck() {
        assertThat(CardNumber.digits("4242 4242 4242 4241")).isEmpty();
    }

    @Test
    void rejectsLettersAndWrongLengths() {
        assertThat(CardNumber.digits("4242 abcd 4242 4242")).isEmpty();
        assertThat(CardNumber.digits("42424")).isEmpty();
        assertThat(CardNumber.digits("")).isEmpty();
    }
}
