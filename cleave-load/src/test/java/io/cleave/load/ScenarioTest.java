package io.cleave.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading scenario files: what a valid one means, and what each mistake is told as. */
class ScenarioTest {

    static Path example() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(ScenarioTest.class.getResource("/shop.toml")).toURI());
    }

    @Test
    void readsFlowsStepsAndTheirFields() throws Exception {
        Scenario scenario = Scenario.parse(example());

        assertThat(scenario.name()).isEqualTo("shop");
        assertThat(scenario.flows()).extracting(Scenario.Flow::name, Scenario.Flow::weight)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("buyer", 1), org.assertj.core.groups.Tuple.tuple("browser", 3));
        assertThat(scenario.steps()).extracting(Step::name)
                .containsExactly("sign up", "browse", "add to cart", "check out", "products");
        assertThat(scenario.steps()).extracting(Step::id).containsExactly(0, 1, 2, 3, 4);
        Step signUp = scenario.steps().get(0);
        assertThat(signUp.method().name()).isEqualTo("POST");
        assertThat(signUp.expect().accepts(201)).isTrue();
        assertThat(signUp.expect().accepts(200)).isFalse();
        assertThat(signUp.extract()).containsOnlyKeys("token");
    }

    @Test
    void jsonBodyKeepsTheTypeOfAWholeVariableAndSplicesTextIntoStrings() throws Exception {
        Scenario scenario = Scenario.parse(example());
        Step addToCart = scenario.steps().get(2);
        Step signUp = scenario.steps().get(0);
        Map<String, JsonNode> vars = Map.of("product", LongNode.valueOf(7), "session", LongNode.valueOf(12),
                "password", TextNode.valueOf("p\"w"));

        String cart = new String(addToCart.body().render(vars::get), StandardCharsets.UTF_8);
        String user = new String(signUp.body().render(vars::get), StandardCharsets.UTF_8);

        assertThat(cart).isEqualTo("{\"product\":7,\"quantity\":2}");
        assertThat(user).isEqualTo("{\"email\":\"user-12@example.com\",\"password\":\"p\\\"w\"}");
    }

    @Test
    void pathValuesArePercentEncoded() {
        Template path = Template.parse("/search?q=${term}&page=1");

        String expanded = path.expand(name -> TextNode.valueOf("red shoes/40€"), Template.Escape.URL);

        assertThat(expanded).isEqualTo("/search?q=red%20shoes%2F40%E2%82%AC&page=1");
    }

    @Test
    void extractionPathsFindValuesOrNothing() throws Exception {
        JsonNode document = JsonTemplate.MAPPER.readTree("{\"items\":[{\"id\":7},{\"id\":9}],\"a b\":{\"c\":\"d\"},\"n\":null}");

        assertThat(JsonPath.parse("$.items[1].id").find(document).map(JsonNode::intValue)).contains(9);
        assertThat(JsonPath.parse("$[\"a b\"].c").find(document)).contains(TextNode.valueOf("d"));
        assertThat(JsonPath.parse("/items/0/id").find(document).map(JsonNode::intValue)).contains(7);
        assertThat(JsonPath.parse("$.items[5].id").find(document)).isEmpty();
        assertThat(JsonPath.parse("$.n").find(document)).isEmpty();
    }

    @Test
    void randomElementPathReachesEveryElementAndNothingElse() throws Exception {
        JsonNode document = JsonTemplate.MAPPER.readTree("{\"items\":[{\"id\":7},{\"id\":9},{\"id\":11}],\"none\":[]}");
        JsonPath path = JsonPath.parse("$.items[random].id");

        Set<Integer> found = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            found.add(path.find(document).orElseThrow().intValue());
        }

        assertThat(found).containsExactlyInAnyOrder(7, 9, 11);
        assertThat(JsonPath.parse("$.none[random]").find(document)).isEmpty();
    }

    @Test
    void tomlSyntaxErrorNamesFileLineAndColumn() {
        String toml = """
                name = "x"
                [[flow]]
                name = "a
                """;

        assertThatThrownBy(() -> Scenario.parse(toml, "bad.toml"))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("bad.toml:3:")
                .hasMessageContaining("not valid TOML");
    }

    @Test
    void unknownFieldNamesLineFlowStepAndTheValidFields() {
        String toml = """
                [[flow]]
                name = "buyer"
                  [[flow.step]]
                  name = "home"
                  path = "/"
                  heders = { Accept = "text/html" }
                """;

        assertThatThrownBy(() -> Scenario.parse(toml, "shop.toml"))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("shop.toml:6: flow \"buyer\", step \"home\": unknown field \"heders\" (did you mean \"headers\"?);"
                        + " valid fields here: name, method, path, headers, body, json, extract, expect")
                .extracting(e -> ((ScenarioException) e).line()).isEqualTo(6);
    }

    @Test
    void invalidMethodListsTheValidOnes() {
        String toml = """
                [[flow]]
                name = "buyer"
                  [[flow.step]]
                  path = "/"
                  method = "FETCH"
                """;

        assertThatThrownBy(() -> Scenario.parse(toml, "shop.toml"))
                .hasMessage("shop.toml:5: flow \"buyer\", step 1: field \"method\": \"FETCH\" is not an HTTP method;"
                        + " valid: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    }

    @Test
    void variableUsedBeforeAnyStepExtractsItIsRejectedWithWhatIsDefined() {
        String toml = """
                [vars]
                password = "x"

                [[flow]]
                name = "buyer"
                  [[flow.step]]
                  name = "cart"
                  path = "/cart"
                  headers = { Authorization = "Bearer ${tokn}" }
                  [[flow.step]]
                  name = "login"
                  path = "/login"
                  extract.token = "$.token"
                """;

        assertThatThrownBy(() -> Scenario.parse(toml, "shop.toml"))
                .hasMessageStartingWith("shop.toml:9: flow \"buyer\", step \"cart\": field \"headers.Authorization\":"
                        + " unknown variable \"tokn\"; defined at this step: session, request, uuid, random, password");
    }

    @Test
    void misspelledVariableGetsASuggestion() {
        String toml = """
                [[flow]]
                name = "buyer"
                  [[flow.step]]
                  name = "login"
                  path = "/login"
                  extract.token = "$.token"
                  [[flow.step]]
                  name = "cart"
                  path = "/cart"
                  json = { token = "${tokn}" }
                """;

        assertThatThrownBy(() -> Scenario.parse(toml, "shop.toml"))
                .hasMessageStartingWith("shop.toml:10: flow \"buyer\", step \"cart\": field \"json.token\": unknown variable \"tokn\""
                        + " (did you mean \"token\"?)");
    }

    @Test
    void invalidExtractionPathSaysWhatAPathLooksLike() {
        String toml = """
                [[flow]]
                name = "buyer"
                  [[flow.step]]
                  name = "login"
                  path = "/login"
                  extract.token = "token"
                """;

        assertThatThrownBy(() -> Scenario.parse(toml, "shop.toml"))
                .hasMessage("shop.toml:6: flow \"buyer\", step \"login\": field \"extract.token\": \"token\" is not a valid"
                        + " JSON path: it must start with \"$\" (like $.items[0].id) or \"/\" (a JSON pointer)");
    }

    @Test
    void missingPathIsReportedAtTheStep() {
        String toml = """
                [[flow]]
                name = "buyer"

                  [[flow.step]]
                  name = "home"
                  method = "GET"
                """;

        assertThatThrownBy(() -> Scenario.parse(toml, "shop.toml"))
                .hasMessageStartingWith("shop.toml:4: flow \"buyer\", step \"home\": field \"path\" is missing");
    }

    @Test
    void weightMustBeAPositiveWholeNumber() {
        String toml = """
                [[flow]]
                name = "buyer"
                weight = 0
                  [[flow.step]]
                  path = "/"
                """;

        assertThatThrownBy(() -> Scenario.parse(toml, "shop.toml"))
                .hasMessage("shop.toml:3: flow \"buyer\": field \"weight\" must be a whole number from 1 to 1000000, not the number 0");
    }

    @Test
    void scenarioWithoutFlowsSaysWhatIsNeeded() {
        assertThatThrownBy(() -> Scenario.parse("name = \"empty\"\n", "empty.toml"))
                .hasMessage("empty.toml:1: no [[flow]]; a scenario needs at least one flow with at least one [[flow.step]]");
    }

    @Test
    void missingFileIsAScenarioErrorNamingTheFile() {
        Path missing = Path.of("no-such-dir", "shop.toml");

        assertThatThrownBy(() -> Scenario.parse(missing))
                .isInstanceOf(ScenarioException.class)
                .hasMessage(missing + ": no such file");
    }
}
