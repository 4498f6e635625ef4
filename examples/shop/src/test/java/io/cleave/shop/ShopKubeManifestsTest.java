package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.cleave.Cleave;
import io.cleave.kube.KubeManifests;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shop's Kubernetes manifests, from {@code cleave-services.toml}, equal the committed ones in
 * {@code examples/shop/kube/} byte for byte. After an intended change, regenerate them with
 * {@code ./mvnw -pl examples/shop -am verify -Dtest=ShopKubeManifestsTest -Dsurefire.failIfNoSpecifiedTests=false -Dshop.kube.regenerate=true}
 * (or {@code cleave deploy kube --class-path <shop jar> --config cleave-services.toml --out kube})
 * and review the diff. The committed files are also checked against the Kubernetes OpenAPI schema, independently
 * of the fabric8 model that wrote them: the Kubernetes project's own Java client (client-java-api 25.0.0) is generated
 * from that document, and its models' {@code validateJsonElement} refuses a field the schema does not have, a
 * required field that is missing and a value of the wrong JSON type, at every level of an object.
 */
class ShopKubeManifestsTest {

    private static final Path GOLDEN = Path.of("kube");
    private static final YAMLMapper YAML = new YAMLMapper();

    /** The schema check of each kind the manifests hold, keyed by apiVersion and kind. */
    private static final Map<String, Check> SCHEMA = Map.of(
            "v1/ConfigMap", V1ConfigMap::validateJsonElement,
            "v1/ServiceAccount", V1ServiceAccount::validateJsonElement,
            "v1/Service", V1Service::validateJsonElement,
            "rbac.authorization.k8s.io/v1/Role", V1Role::validateJsonElement,
            "rbac.authorization.k8s.io/v1/RoleBinding", V1RoleBinding::validateJsonElement,
            "apps/v1/Deployment", V1Deployment::validateJsonElement,
            "autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler::validateJsonElement,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget::validateJsonElement,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy::validateJsonElement);

    interface Check {
        void validate(JsonElement json) throws IOException;
    }

    @TempDir
    Path out;

    @Test
    void manifestsEqualTheCommittedOnes() throws IOException {
        boolean regenerate = Boolean.getBoolean("shop.kube.regenerate");

        List<Path> written = KubeManifests.write(Cleave.app().config(Path.of("cleave-services.toml")), regenerate ? GOLDEN : out);

        assertThat(written).extracting(p -> p.getFileName().toString()).containsExactly("shop.yaml",
                "shop-catalog-recommendations.yaml", "shop-cart.yaml", "shop-inventory.yaml", "shop-payments.yaml",
                "shop-notifications-checkout.yaml", "shop-users.yaml", "shop-storefront.yaml", "shop-gateway.yaml");
        try (Stream<Path> committed = Files.list(GOLDEN)) {
            assertThat(committed.map(p -> p.getFileName().toString()).sorted())
                    .as("files in kube/ that the manifests no longer have")
                    .containsExactlyElementsOf(written.stream().map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (Path file : written) {
            assertThat(file).as(file.getFileName() + " (regenerate with -Dshop.kube.regenerate=true if the change is intended)")
                    .hasSameTextualContentAs(GOLDEN.resolve(file.getFileName()));
        }
    }

    @Test
    void committedManifestsFollowTheKubernetesOpenApiSchema() throws IOException {
        Map<String, Integer> checked = new TreeMap<>();
        for (Path file : golden()) {
            for (JsonNode object : objects(file)) {
                String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
                assertThat(SCHEMA).as(file.getFileName() + " holds " + type + ", which this test does not know").containsKey(type);

                SCHEMA.get(type).validate(gson(object)); // throws IllegalArgumentException naming the field

                checked.merge(type, 1, Integer::sum);
            }
        }
        assertThat(checked).containsEntry("apps/v1/Deployment", 8).containsEntry("networking.k8s.io/v1/NetworkPolicy", 8)
                .containsEntry("v1/ConfigMap", 1).hasSize(SCHEMA.size());
    }

    @Test
    void theSchemaCheckRefusesAMisspelledAMissingOrAMistypedField() throws IOException {
        JsonNode deployment = objects(GOLDEN.resolve("shop-storefront.yaml")).stream()
                .filter(o -> o.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();

        ObjectNode misspelled = deployment.deepCopy();
        ((ObjectNode) misspelled.path("spec")).set("replica", ((ObjectNode) misspelled.path("spec")).remove("replicas"));
        assertThatThrownBy(() -> V1Deployment.validateJsonElement(gson(misspelled)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("`replica`");

        ObjectNode containerWithoutName = deployment.deepCopy();
        ((ObjectNode) containerWithoutName.at("/spec/template/spec/containers/0")).remove("name");
        assertThatThrownBy(() -> V1Deployment.validateJsonElement(gson(containerWithoutName)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("required field `name`");

        ObjectNode argsAsText = deployment.deepCopy();
        ((ObjectNode) argsAsText.at("/spec/template/spec/containers/0")).put("args", "--deployer=kube");
        assertThatThrownBy(() -> V1Deployment.validateJsonElement(gson(argsAsText)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("`args`");
    }

    private static List<Path> golden() throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** The documents of a multi-document YAML file, as plain JSON trees (not through any Kubernetes model). */
    private static List<JsonNode> objects(Path file) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            docs.forEachRemaining(d -> {
                if (d != null && !d.isEmpty()) {
                    objects.add(d);
                }
            });
        }
        assertThat(objects).as(file + " holds objects").isNotEmpty();
        return objects;
    }

    private static JsonElement gson(JsonNode node) {
        return JsonParser.parseString(node.toString());
    }
}
