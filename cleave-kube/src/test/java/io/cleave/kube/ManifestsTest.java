package io.cleave.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Component;
import io.cleave.StartupException;
import io.cleave.kube.app.EmptyAudit;
import io.cleave.kube.app.MemoryStock;
import io.cleave.kube.app.StockedOrders;
import io.cleave.kube.app.WebShopfront;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ManifestsTest {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static List<HasMetadata> objects() {
        KubeDeployer.Planned planned = KubeManifests.plan(TestApp.builder(TestApp.CONFIG));
        List<HasMetadata> all = new ArrayList<>(planned.manifests().application());
        planned.manifests().groups().values().forEach(all::addAll);
        return all;
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
