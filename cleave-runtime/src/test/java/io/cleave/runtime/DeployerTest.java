package io.cleave.runtime;

import static io.cleave.runtime.Launches.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.runtime.basket.Basket;
import io.cleave.runtime.shop.Journal;
import io.cleave.runtime.spi.Deployer;
import io.cleave.runtime.spi.Deployment;
import io.cleave.runtime.spi.Topology;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployerTest {

    /** Hosts everything but Basket, which it "reaches" through an invoker that answers by itself. */
    private static final class SplitDeployer implements Deployer {
        Context context;
        final List<String> calls = new ArrayList<>();
        final List<String> startedHere = new ArrayList<>();
        boolean closed;

        @Override
        public String name() {
            return "split";
        }

        @Override
        public Deployment deploy(Context given) {
            this.context = given;
            return new Deployment() {
                @Override
                public boolean hosts(ComponentDescriptor<?> component) {
                    return !component.name().equals("Basket");
                }


                @Override
                public Invoker remote(ComponentDescriptor<?> component) {
                    return (method, arguments) -> {
                        calls.add(method.fullName());
                        return "remote " + arguments[0];
                    };
                }

                @Override
                public void started(Map<String, Object> hosted) {
                    startedHere.addAll(hosted.keySet());
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }

    private final SplitDeployer split = new SplitDeployer();
    private final LaunchContext context = LaunchContext.of(new io.cleave.runtime.shop.Cleave_Registry(),
            new io.cleave.runtime.basket.Cleave_Registry())
            .withProviders(Launches.journalProvider(new Journal()))
            .withDeployers(split);

    private static final String SPLIT = """
            [app]
            name = "shop"
            deployer = "split"

            [multi]
            groups = [["Cart", "Checkout"], ["Catalog"]]

            [multi.replicas]
            Catalog = 2
            """;

    @Test
    void deployerChosenByNameReceivesTheParsedTopology() {
        try (App app = start(context, SPLIT)) {

            Topology topology = split.context.topology();
            assertThat(split.context.application()).isEqualTo(app.name());
            assertThat(topology.groups()).containsExactly(List.of("Cart", "Checkout"), List.of("Catalog"));
            assertThat(topology.replicasOf("Catalog")).isEqualTo(2);
            assertThat(topology.replicasOf("Cart")).isEqualTo(1);
            assertThat(topology.groupOf("Basket")).containsExactly("Basket");
            assertThat(split.context.components()).extracting(ComponentDescriptor::name)
                    .containsExactly("Catalog", "Cart", "Checkout", "Basket");
        }
    }

    @Test
    void componentsNotHostedHereAreReachedThroughTheDeployersInvoker() throws Exception {
        try (App app = start(context, SPLIT)) {

            String reply = app.component(Basket.class).reserve("tea");

            assertThat(reply).isEqualTo("remote tea");
            assertThat(split.calls).containsExactly("Basket.reserve");
            assertThat(split.startedHere).containsExactly("Catalog", "Cart", "Checkout");
        }
        assertThat(split.closed).isTrue();
    }
}
