package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachePolicyTest {

    @Test
    void acceptEncodingIsKeyedByTheSetOfCodingsAccepted() {
        assertThat(CachePolicy.encodings("gzip, deflate, br")).isEqualTo("br,deflate,gzip");
        assertThat(CachePolicy.encodings("br;q=0.5, GZIP")).isEqualTo("br,gzip");
        assertThat(CachePolicy.encodings("gzip, br;q=0")).isEqualTo("gzip");
        assertThat(CachePolicy.encodings("")).isEmpty();
    }

    @Test
    void ifNoneMatchComparesTagsWeakly() {
        assertThat(CachePolicy.matches("\"a\"", "\"a\"")).isTrue();
        assertThat(CachePolicy.matches("W/\"a\"", "\"a\"")).isTrue();
        assertThat(CachePolicy.matches("\"x\", \"a\"", "W/\"a\"")).isTrue();
        assertThat(CachePolicy.matches("*", "\"a\"")).isTrue();
        assertThat(CachePolicy.matches("\"b\"", "\"a\"")).isFalse();
    }

    @Test
    void sharedMaxAgeWinsOverMaxAgeAndNeitherLengthensTheRouteTtl() {
        Duration ttl = Duration.ofSeconds(30);

        assertThat(CacheControl.parse(List.of("max-age=60, s-maxage=5")).lifetime(ttl)).isEqualTo(Duration.ofSeconds(5));
        assertThat(CacheControl.parse(List.of("max-age=10")).lifetime(ttl)).isEqualTo(Duration.ofSeconds(10));
        assertThat(CacheControl.parse(List.of("public, max-age=600")).lifetime(ttl)).isEqualTo(ttl);
        assertThat(CacheControl.parse(List.of("max-age=oops")).lifetime(ttl)).isEqualTo(Duration.ZERO);
        assertThat(CacheControl.parse(List.of("public", "Private")).storable()).isFalse();
    }

    @Test
    void aStrongEtagDependsOnTheBodyAlone() {
        assertThat(CachePolicy.strongEtag(new byte[] {1, 2})).isEqualTo(CachePolicy.strongEtag(new byte[] {1, 2}))
                .isNotEqualTo(CachePolicy.strongEtag(new byte[] {2, 1})).startsWith("\"").endsWith("\"").hasSize(29);
    }
}
