package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Listener;
import io.cleave.StartupException;
import io.cleave.runtime.spi.Topology;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Dependency;
import io.cleave.spi.testing.MapConfigSection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A group is named as configured, whatever the dependencies between its members; a replicated
 * group may not listen on a fixed port, whichever form of {@code [listeners]} names it.
 */
class PlanTest {

    /** A component whose constructor asks for {@code Listener web}. */
    private static final ComponentDescriptor<Runnable> EDGE = new ComponentDescriptor<>("Edge", Runnable.class,
            Runnable.class, List.of(new Dependency.OnService("web", Listener.class, List.of())), null, List.of(), null, null);
    private static final Topology TWO_REPLICAS = new Topology(List.of(), Map.of("Edge", 2));

    private static Plan plan(Object web) {
        Map<String, Map<String, Object>> sections = Map.of("listeners", Map.of("web", web));
        return Plan.of(List.of(EDGE), TWO_REPLICAS, MapConfigSection.at(sections, "listeners"),
                path -> MapConfigSection.at(sections, path));
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
                path -> MapConfigSection.at(none, path));
        assertThat(plan.groups()).singleElement().satisfies(group -> {
            assertThat(group.name()).isEqualTo("Front+Store");
            assertThat(group.components()).containsExactly("Store", "Front");
        });
    }
}
