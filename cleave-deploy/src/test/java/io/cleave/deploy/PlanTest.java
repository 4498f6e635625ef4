package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Listener;
import io.cleave.StartupException;
import io.cleave.runtime.spi.Gateway;
import io.cleave.runtime.spi.Topology;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Dependency;
import io.cleave.spi.testing.MapConfigSection;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A group is named as configured, whatever the dependencies between its members; a replicated
 * group may not listen on a fixed port, whichever form of {@code [listeners]} names it, unless a
 * gateway serves that port in front of it.
 */
class PlanTest {

    /** A component whose constructor asks for {@code Listener web}. */
    private static final ComponentDescriptor<Runnable> EDGE = new ComponentDescriptor<>("Edge", Runnable.class,
            Runnable.class, List.of(new Dependency.OnService("web", Listener.class, List.of())), null, List.of(), null, null);
    private static final Topology TWO_REPLICAS = new Topology(List.of(), Map.of("Edge", 2));

    private static Plan plan(Object web) {
        Map<String, Map<String, Object>> sections = Map.of("listeners", Map.of("web", web));
        return Plan.of(List.of(EDGE), TWO_REPLICAS, MapConfigSection.at(sections, "listeners"),
                path -> MapConfigSection.at(sections, path), Optional.empty(), true);
    }

    /** A gateway that accepts any settings unless they hold {@code bad}, and runs {@code replicas} of itself. */
    private static final Gateway GATEWAY = new Gateway() {
        @Override
        public void check(ConfigSection section, Map<String, InetSocketAddress> listeners) {
            if (section.has("bad")) {
                throw new ConfigSection.ConfigError("[gateway] bad: no");
            }
        }

        @Override
        public int replicas(ConfigSection section) {
            return section.has("replicas") ? section.int32("replicas") : 1;
        }

        @Override
        public Running start(String application, ConfigSection section, Map<String, InetSocketAddress> listeners,
                String token) {
            throw new UnsupportedOperationException("a plan starts nothing");
        }
    };

    private static Plan fronted(Object web, Map<String, Object> gateway) {
        Map<String, Map<String, Object>> sections = Map.of("listeners", Map.of("web", web), "gateway", gateway);
        return Plan.of(List.of(EDGE), TWO_REPLICAS, MapConfigSection.at(sections, "listeners"),
                path -> MapConfigSection.at(sections, path), Optional.of(GATEWAY), true);
    }

    @Test
    void aGatewayServesTheFixedPortInFrontOfTheReplicasAndStartsAfterThem() {
        Plan plan = fronted("127.0.0.1:8080", Map.of("replicas", 2));

        assertThat(plan.fronted()).containsOnlyKeys("web");
        assertThat(plan.fronted().get("web").getHostString()).isEqualTo("127.0.0.1");
        assertThat(plan.fronted().get("web").getPort()).isEqualTo(8080);
        assertThat(plan.groups()).extracting(Plan.Group::name).containsExactly("Edge", "gateway");
        assertThat(plan.groups().get(1).replicas()).isEqualTo(2);
        assertThat(plan.groups().get(1).dependsOn()).containsExactly("Edge");
        assertThat(plan.isGateway(plan.groups().get(1))).isTrue();
        assertThat(plan.isGateway(plan.groups().get(0))).isFalse();
    }

    @Test
    void behindAGatewayAListenersOwnTlsIsRefused() {
        assertThatThrownBy(() -> fronted(Map.of("address", "0.0.0.0:8443", "tls-certificate", "tls.crt", "tls-key", "tls.key"),
                Map.of()))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[listeners.web] tls-certificate").hasMessageContaining("move the TLS settings to [gateway]");
    }

    @Test
    void theGatewaysOwnCheckIsPartOfThePlan() {
        assertThatThrownBy(() -> fronted("127.0.0.1:8080", Map.of("bad", true)))
                .isInstanceOf(StartupException.class).hasMessageContaining("[gateway] bad: no");
    }

    @Test
    void refusesTwoReplicasOnAFixedPortInTheStringForm() {
        assertThatThrownBy(() -> plan("127.0.0.1:8080"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("listens on [listeners] web = \"127.0.0.1:8080\"");
    }

    @Test
    void refusesTwoReplicasOnAFixedPortInATable() {
        assertThatThrownBy(() -> plan(Map.of("address", "0.0.0.0:8443", "tls-certificate", "tls.crt", "tls-key", "tls.key")))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("\"0.0.0.0:8443\"").hasMessageContaining("run it with 1 replica or use port 0");
    }

    @Test
    void acceptsTwoReplicasOnPortZeroInATable() {
        assertThat(plan(Map.of("address", "127.0.0.1:0")).groups()).singleElement()
                .satisfies(group -> assertThat(group.replicas()).isEqualTo(2));
    }

    @Test
    void aGroupIsNamedInTheOrderItIsConfiguredAndStartsItsMembersDependenciesFirst() {
        ComponentDescriptor<Runnable> store = new ComponentDescriptor<>("Store", Runnable.class, Runnable.class,
                List.of(), null, List.of(), null, null);
        ComponentDescriptor<CharSequence> front = new ComponentDescriptor<>("Front", CharSequence.class, CharSequence.class,
                List.of(new Dependency.OnComponent("store", Runnable.class)), null, List.of(), null, null);
        Topology topology = new Topology(List.of(List.of("Front", "Store")), Map.of());
        Map<String, Map<String, Object>> none = Map.of();
        Plan plan = Plan.of(List.of(store, front), topology, MapConfigSection.at(none, "listeners"),
                path -> MapConfigSection.at(none, path), Optional.empty(), true);
        assertThat(plan.groups()).singleElement().satisfies(group -> {
            assertThat(group.name()).isEqualTo("Front+Store");
            assertThat(group.components()).containsExactly("Store", "Front");
        });
    }
}
