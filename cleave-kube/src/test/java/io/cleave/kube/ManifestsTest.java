package io.cleave.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Component;
import io.cleave.StartupException;
import io.cleave.kube.app.EmptyAudit;
import io.cleave.kube.app.MemoryStock;
import io.cleave.kube.app.StockedOrders;
import io.cleave.kube.app.WebShopfront;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ManifestsTest {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static List<HasMetadata> objects() {
        return objects(TestApp.CONFIG);
    }

    private static List<HasMetadata> objects(String config) {
        KubeDeployer.Planned planned = KubeManifests.plan(TestApp.builder(config));
        List<HasMetadata> all = new ArrayList<>(planned.manifests().application());
        planned.manifests().groups().values().forEach(all::addAll);
        return all;
    }

    private static <T extends HasMetadata> T object(List<HasMetadata> objects, Class<T> kind, String name) {
        return objects.stream().filter(o -> kind.isInstance(o) && o.getMetadata().getName().equals(name)).map(kind::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + "/" + name));
    }

    private static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Optional<EnvVar> variable(Deployment deployment, String name) {
        return container(deployment).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
    }

    @Test
    void writesEveryObjectOfEveryGroup() {
        List<HasMetadata> objects = objects();

        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "ConfigMap/store-config", "ServiceAccount/store", "Role/store-discovery", "RoleBinding/store-discovery",
                "Deployment/store-stock", "Service/store-stock", "HorizontalPodAutoscaler/store-stock",
                "PodDisruptionBudget/store-stock", "NetworkPolicy/store-stock",
                "Deployment/store-audit-orders", "Service/store-audit-orders", "HorizontalPodAutoscaler/store-audit-orders",
                "PodDisruptionBudget/store-audit-orders", "NetworkPolicy/store-audit-orders",
                "Deployment/store-shopfront", "Service/store-shopfront", "HorizontalPodAutoscaler/store-shopfront",
                "PodDisruptionBudget/store-shopfront", "NetworkPolicy/store-shopfront");
    }

    @Test
    void survivesTheModelRoundTrip() {
        List<HasMetadata> objects = objects();

        for (HasMetadata o : objects) {
            String yaml = SERIALIZATION.asYaml(o);
            HasMetadata back = SERIALIZATION.unmarshal(yaml);
            assertThat(back).as(o.getKind() + "/" + o.getMetadata().getName()).isEqualTo(o);
            assertThat(back.getClass()).isEqualTo(o.getClass());
        }
        List<HasMetadata> documents = SERIALIZATION.unmarshal(KubeManifests.yaml(objects));
        assertThat(documents).isEqualTo(objects);
    }

    @Test
    void deploymentCarriesReplicasProbesDrainAndSecrets() {
        Deployment stock = (Deployment) objects().stream()
                .filter(o -> o instanceof Deployment && o.getMetadata().getName().equals("store-stock")).findFirst().orElseThrow();

        var pod = stock.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        assertThat(stock.getSpec().getReplicas()).isEqualTo(2);
        assertThat(container.getImage()).isEqualTo("registry.example/store:1.0");
        assertThat(container.getArgs()).containsExactly("--deployer=kube", "--config=/etc/cleave/cleave.toml");
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("CLEAVE_GROUP");
            assertThat(e.getValue()).isEqualTo("Stock");
        });
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("CLEAVE_DATA__PASSWORD");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("store-db");
        });
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/live");
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(container.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(5L);
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(5L + 15L + 5L);
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("tls"))
                .singleElement().satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("store-stock-tls"));
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    }

    @Test
    void autoscalerFollowsKubeAutoscale() {
        HorizontalPodAutoscaler hpa = (HorizontalPodAutoscaler) objects().stream()
                .filter(o -> o instanceof HorizontalPodAutoscaler && o.getMetadata().getName().equals("store-stock"))
                .findFirst().orElseThrow();

        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2); // [multi.replicas] Stock = 2
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(8);
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(60);
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("store-stock");
    }

    /**
     * The edges the NetworkPolicies admit, "caller group -> callee group" on the transport port,
     * equal the component graph as the implementations' constructors declare it, read here by
     * reflection rather than through the processor's registry the manifests come from.
     */
    @Test
    void networkPoliciesAdmitExactlyTheGraphsEdges() {
        Map<String, String> groupOf = Map.of("Shopfront", "shopfront", "Orders", "audit-orders", "Audit", "audit-orders",
                "Stock", "stock");
        Set<String> expected = new TreeSet<>();
        for (Class<?> impl : List.of(WebShopfront.class, StockedOrders.class, MemoryStock.class, EmptyAudit.class)) {
            String caller = impl.getInterfaces()[0].getSimpleName();
            for (Constructor<?> c : impl.getConstructors()) {
                for (Class<?> p : c.getParameterTypes()) {
                    if (p.isAnnotationPresent(Component.class)) {
                        expected.add(groupOf.get(caller) + " -> " + groupOf.get(p.getSimpleName()));
                    }
                }
            }
        }

        Set<String> admitted = new TreeSet<>();
        Map<String, List<Integer>> openPorts = new HashMap<>();
        for (HasMetadata o : objects()) {
            if (o instanceof NetworkPolicy np) {
                String callee = np.getSpec().getPodSelector().getMatchLabels().get(Names.GROUP);
                assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress");
                for (NetworkPolicyIngressRule rule : np.getSpec().getIngress()) {
                    if (rule.getFrom().isEmpty()) {
                        openPorts.put(callee, rule.getPorts().stream().map(p -> p.getPort().getIntVal()).toList());
                        continue;
                    }
                    assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(7000);
                    for (NetworkPolicyPeer peer : rule.getFrom()) {
                        assertThat(peer.getPodSelector().getMatchLabels()).containsEntry(Names.PART_OF, "store");
                        admitted.add(peer.getPodSelector().getMatchLabels().get(Names.GROUP) + " -> " + callee);
                    }
                }
            }
        }

        assertThat(expected).containsExactly("audit-orders -> stock", "shopfront -> audit-orders");
        assertThat(admitted).isEqualTo(expected);
        assertThat(openPorts).containsExactly(Map.entry("shopfront", List.of(8081))); // the edge's ingress, nothing else
    }

    @Test
    void withAGatewayWritesItsGroupLastInAFileOfItsOwn() {
        Map<String, String> files = KubeManifests.render(TestApp.builder(TestApp.GATEWAY_CONFIG));

        assertThat(files.keySet()).containsExactly("store.yaml", "store-stock.yaml", "store-audit-orders.yaml",
                "store-shopfront.yaml", "store-gateway.yaml");
        List<HasMetadata> gateway = SERIALIZATION.unmarshal(files.get("store-gateway.yaml"));
        assertThat(gateway).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "Deployment/store-gateway", "Service/store-gateway", "PodDisruptionBudget/store-gateway",
                "NetworkPolicy/store-gateway");
        assertThat(objects(TestApp.GATEWAY_CONFIG)).containsAll(gateway);
    }

    @Test
    void gatewayDeploymentRunsTheImageAsGroupGatewayWithItsReplicasPortsProbesAndSecrets() {
        List<HasMetadata> objects = objects(TestApp.GATEWAY_CONFIG);
        Deployment gateway = object(objects, Deployment.class, "store-gateway");
        Deployment stock = object(objects, Deployment.class, "store-stock");

        Container container = container(gateway);
        assertThat(gateway.getSpec().getReplicas()).isEqualTo(2); // [gateway] replicas
        assertThat(container.getImage()).isEqualTo(container(stock).getImage());
        assertThat(container.getArgs()).isEqualTo(container(stock).getArgs());
        assertThat(variable(gateway, "CLEAVE_GROUP")).map(EnvVar::getValue).contains("gateway");
        assertThat(variable(gateway, "CLEAVE_LISTENERS__WEB")).map(EnvVar::getValue).contains("0.0.0.0:8081");
        assertThat(container.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
                .containsExactly("admin=9090", "web=8081"); // no transport port: it calls no component
        assertThat(container.getReadinessProbe()).isEqualTo(container(stock).getReadinessProbe());
        assertThat(container.getLivenessProbe()).isEqualTo(container(stock).getLivenessProbe());
        assertThat(container.getStartupProbe()).isEqualTo(container(stock).getStartupProbe());
        assertThat(container.getLifecycle()).isEqualTo(container(stock).getLifecycle());
        assertThat(gateway.getSpec().getStrategy()).isEqualTo(stock.getSpec().getStrategy());
        assertThat(gateway.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(25L);
        assertThat(gateway.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("store");
        // the certificate from [kube] gateway-tls-secret, in place of [gateway] tls-certificate and tls-key
        assertThat(gateway.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getName().equals("gateway-tls"))
                .singleElement().satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("store-edge-tls"));
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("gateway-tls");
            assertThat(m.getMountPath()).isEqualTo("/etc/cleave/gateway-tls");
        });
        assertThat(variable(gateway, "CLEAVE_GATEWAY__TLS_CERTIFICATE")).map(EnvVar::getValue)
                .contains("/etc/cleave/gateway-tls/tls.crt");
        assertThat(variable(gateway, "CLEAVE_GATEWAY__TLS_KEY")).map(EnvVar::getValue).contains("/etc/cleave/gateway-tls/tls.key");
        // no group certificate, no database: the gateway hosts no component
        assertThat(gateway.getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName())
                .containsExactly("config", "gateway-tls");
        assertThat(variable(gateway, "CLEAVE_DATA__URL")).isEmpty();
    }

    @Test
    void gatewayServiceIsThePublicEntryOnTheListenersPorts() {
        Service service = object(objects(TestApp.GATEWAY_CONFIG), Service.class, "store-gateway");

        assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local"); // clients' addresses kept
        assertThat(service.getSpec().getSelector()).containsEntry(Names.GROUP, "gateway").containsEntry(Names.PART_OF, "store");
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + "=" + p.getPort() + "->" + p.getTargetPort().getStrVal())
                .containsExactly("web=8081->web");
    }

    @Test
    void gatewayServiceTypeIsConfigurable() {
        String config = TestApp.GATEWAY_CONFIG.replace("[kube]\n", "[kube]\ngateway-service-type = \"ClusterIP\"\n");

        Service service = object(objects(config), Service.class, "store-gateway");

        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getExternalTrafficPolicy()).isNull();
    }

    @Test
    void theTokenComesFromTheSameSecretOnTheGatewayAndTheListeningGroupsOnly() {
        List<HasMetadata> objects = objects(TestApp.GATEWAY_CONFIG);

        for (String name : List.of("store-gateway", "store-shopfront")) {
            EnvVar token = variable(object(objects, Deployment.class, name), "CLEAVE_GATEWAY_TOKEN").orElseThrow();
            assertThat(token.getValue()).as(name).isNull();
            assertThat(token.getValueFrom().getSecretKeyRef().getName()).as(name).isEqualTo("store-gateway-token");
            assertThat(token.getValueFrom().getSecretKeyRef().getKey()).as(name).isEqualTo("token");
        }
        assertThat(variable(object(objects, Deployment.class, "store-stock"), "CLEAVE_GATEWAY_TOKEN")).isEmpty();
        assertThat(variable(object(objects, Deployment.class, "store-audit-orders"), "CLEAVE_GATEWAY_TOKEN")).isEmpty();
        assertThat(variable(object(objects(), Deployment.class, "store-shopfront"), "CLEAVE_GATEWAY_TOKEN"))
                .as("without [gateway]").isEmpty();
    }

    @Test
    void theTokenSecretIsConfigurable() {
        String config = TestApp.GATEWAY_CONFIG.replace("[kube]\n", "[kube]\ngateway-token-secret = \"edge-token\"\n");

        Deployment shopfront = object(objects(config), Deployment.class, "store-shopfront");

        assertThat(variable(shopfront, "CLEAVE_GATEWAY_TOKEN").orElseThrow().getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("edge-token");
    }

    @Test
    void behindTheGatewayOnlyItsPodsReachTheListenersAndAnyoneReachesTheGateway() {
        List<HasMetadata> objects = objects(TestApp.GATEWAY_CONFIG);
        NetworkPolicy shopfront = object(objects, NetworkPolicy.class, "store-shopfront");
        NetworkPolicy gateway = object(objects, NetworkPolicy.class, "store-gateway");
        NetworkPolicy stock = object(objects, NetworkPolicy.class, "store-stock");

        NetworkPolicyIngressRule web = shopfront.getSpec().getIngress().stream()
                .filter(r -> r.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 8081)).findFirst().orElseThrow();
        assertThat(web.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(8081);
        assertThat(web.getFrom()).singleElement().satisfies(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                .isEqualTo(Map.of(Names.PART_OF, "store", Names.GROUP, "gateway")));
        assertThat(gateway.getSpec().getPodSelector().getMatchLabels()).containsEntry(Names.GROUP, "gateway");
        assertThat(gateway.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(gateway.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).isEmpty(); // any source: the edge
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(8081);
        });
        assertThat(stock).isEqualTo(object(objects(), NetworkPolicy.class, "store-stock")); // the graph's edges unchanged
    }

    @Test
    void gatewayObjectsSurviveTheModelRoundTrip() {
        List<HasMetadata> objects = objects(TestApp.GATEWAY_CONFIG);

        for (HasMetadata o : objects) {
            assertThat(SERIALIZATION.<HasMetadata>unmarshal(SERIALIZATION.asYaml(o))).as(o.getKind() + "/"
                    + o.getMetadata().getName()).isEqualTo(o);
        }
    }

    @Test
    void refusesAGatewayKeyWithoutAGateway() {
        String config = TestApp.CONFIG.replace("[kube]\n", "[kube]\ngateway-token-secret = \"edge-token\"\n");

        assertThatThrownBy(() -> KubeManifests.plan(TestApp.builder(config)))
                .isInstanceOf(StartupException.class).hasMessageContaining("[kube] gateway-token-secret")
                .hasMessageContaining("no [gateway]");
    }

    @Test
    void refusesAMisspelledGatewayKeySayingWhichItMeant() {
        String config = TestApp.GATEWAY_CONFIG.replace("[kube]\n", "[kube]\ngateway-tls-secrt = \"edge\"\n");

        assertThatThrownBy(() -> KubeManifests.plan(TestApp.builder(config)))
                .isInstanceOf(StartupException.class).hasMessageContaining("gateway-tls-secrt")
                .hasMessageContaining("gateway-tls-secret");
    }

    @Test
    void refusesATlsSecretBesideAKeystore() {
        String config = TestApp.GATEWAY_CONFIG + "tls-keystore = \"edge.p12\"\ntls-keystore-password = \"x\"\n";

        assertThatThrownBy(() -> KubeManifests.plan(TestApp.builder(config)))
                .isInstanceOf(StartupException.class).hasMessageContaining("[kube] gateway-tls-secret")
                .hasMessageContaining("tls-keystore");
    }

    @Test
    void refusesAnUnknownServiceType() {
        String config = TestApp.GATEWAY_CONFIG.replace("[kube]\n", "[kube]\ngateway-service-type = \"Ingress\"\n");

        assertThatThrownBy(() -> KubeManifests.plan(TestApp.builder(config)))
                .isInstanceOf(StartupException.class).hasMessageContaining("[kube] gateway-service-type = \"Ingress\"");
    }

    @Test
    void refusesAnUnknownKubeKeyNamingIt() {
        String config = TestApp.CONFIG.replace("[kube]\n", "[kube]\nreplicas = 3\n");

        assertThatThrownBy(() -> KubeManifests.plan(TestApp.builder(config)))
                .isInstanceOf(StartupException.class).hasMessageContaining("replicas");
    }

    @Test
    void refusesACpuTargetOutOfRange() {
        String config = TestApp.CONFIG.replace("cpu-target = 60", "cpu-target = 150");

        assertThatThrownBy(() -> KubeManifests.plan(TestApp.builder(config)))
                .isInstanceOf(StartupException.class).hasMessageContaining("[kube.autoscale] cpu-target = 150");
    }

    @Test
    void refusesAnUnknownAutoscaleKey() {
        String config = TestApp.CONFIG.replace("max = 8", "maximum = 8");

        assertThatThrownBy(() -> KubeManifests.plan(TestApp.builder(config)))
                .isInstanceOf(StartupException.class).hasMessageContaining("maximum");
    }

    @Test
    void refusesAListenerWithoutAFixedPort() {
        String config = TestApp.CONFIG.replace("127.0.0.1:8081", "127.0.0.1:0");

        assertThatThrownBy(() -> KubeManifests.plan(TestApp.builder(config)))
                .isInstanceOf(StartupException.class).hasMessageContaining("[listeners] web").hasMessageContaining("fixed port");
    }

    @Test
    void outsideAPodSaysWhichGroupsThereAreAndHowToWriteManifests() {
        assertThatThrownBy(() -> TestApp.builder(TestApp.CONFIG).deployer("kube").start())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("CLEAVE_GROUP")
                .hasMessageContaining("Audit+Orders")
                .hasMessageContaining("cleave deploy kube");
    }
}
