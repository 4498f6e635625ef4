package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebValuesTest {

    @Test
    void responseFactoriesSetStatusAndContentType() {
        WebResponse json = WebResponse.json("{\"a\":1}");
        WebResponse redirect = WebResponse.redirect("/cart");

        assertThat(json.status()).isEqualTo(200);
        assertThat(json.headers()).containsEntry("content-type", List.of("application/json"));
        assertThat(json.bodyText()).isEqualTo("{\"a\":1}");
        assertThat(redirect.status()).isEqualTo(303);
        assertThat(redirect.headers()).containsEntry("location", List.of("/cart"));
    }

    @Test
    void responseRejectsAHeaderValueThatWouldInjectAHeader() {
        assertThatThrownBy(() -> WebResponse.text("x").withHeader("X-Note", "a\r\nSet-Cookie: admin=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value of header \"x-note\" has a control character");
    }

    @Test
    void responseIsImmutable() {
        byte[] body = "abc".getBytes(StandardCharsets.UTF_8);
        WebResponse response = WebResponse.of(200, "text/plain", body);

        body[0] = 'X';
        response.body()[1] = 'Y';

        assertThat(response.bodyText()).isEqualTo("abc");
        assertThat(response).isEqualTo(WebResponse.of(200, "text/plain", "abc".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void cookiesAccumulateAsSetCookieHeaders() {
        WebResponse response = WebResponse.status(204)
                .withCookie(Cookie.of("sid", "s-1").withSecure(true))
                .withCookie(Cookie.expired("cart"));

        assertThat(response.headers().get("set-cookie")).containsExactly(
                "sid=s-1; Path=/; HttpOnly; Secure; SameSite=Lax",
                "cart=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    }

    @Test
    void cookieRejectsAValueWithASemicolon() {
        assertThatThrownBy(() -> Cookie.of("sid", "a;b").withMaxAge(Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value of cookie \"sid\"");
    }

    @Test
    void requestLooksUpHeadersInAnyCaseAndNamesMissingPathParameters() {
        WebRequest request = new WebRequest("r-1", "GET", "/p/1", Map.of("id", "1"), Map.of("q", List.of("a", "b")),
                Map.of("X-Tenant", List.of("acme")), Map.of(), new byte[0]);

        assertThat(request.header("x-tenant")).hasValue("acme");
        assertThat(request.queryParam("q")).hasValue("a");
        assertThatThrownBy(() -> request.pathParam("sku"))
                .hasMessage("route of GET /p/1 has no path parameter \"sku\"; it has [id]");
    }

    @Test
    void httpErrorAcceptsOnlyErrorStatuses() {
        assertThat(new HttpError(404, "no such product").status()).isEqualTo(404);
        assertThatThrownBy(() -> new HttpError(302, "moved")).isInstanceOf(IllegalArgumentException.class);
    }
}
