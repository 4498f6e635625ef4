package io.cleave.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.CallContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three replicas behind one client: how calls are spread. */
class RoutingTest {

    private static final List<EchoImpl> impls = new ArrayList<>();
    private static final List<RpcServer> servers = new ArrayList<>();
    private static RpcClient client;
    private static RpcClient roundRobinClient;

    @BeforeAll
    static void start() {
        for (int i = 1; i <= 4; i++) {
            EchoImpl impl = new EchoImpl("r" + i);
            impls.add(impl);
            servers.add(RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, impl).start());
        }
        client = RpcClient.builder().build();
        roundRobinClient = RpcClient.builder().balancer(Balancer.ROUND_ROBIN).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        roundRobinClient.close();
        servers.forEach(RpcServer::close);
    }

    private static RoutingTable firstThree() {
        return RoutingTable.of(servers.get(0).replica(), servers.get(1).replica(), servers.get(2).replica());
    }

    @Test
    void routesSameKeyToSameReplica() {
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, firstThree());

        Set<String> owners = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            owners.add(echo.owner("customer-7"));
        }

        assertThat(owners).hasSize(1);
    }

    @Test
    void spreadsDifferentKeysOverAllReplicas() {
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, firstThree());

        Set<String> owners = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            owners.add(echo.owner("customer-" + i));
        }

        assertThat(owners).containsExactlyInAnyOrder("r1", "r2", "r3");
    }

    @Test
    void keyKeepsItsReplicaWhenAnotherReplicaJoinsUnlessTheNewcomerWinsIt() {
        RoutingTable table = firstThree();
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, table);
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            before.put("k" + i, echo.owner("k" + i));
        }

        table.add(servers.get(3).replica());

        int moved = 0;
        for (int i = 0; i < 200; i++) {
            String now = echo.owner("k" + i);
            if (!now.equals(before.get("k" + i))) {
                assertThat(now).isEqualTo("r4");
                moved++;
            }
        }
        assertThat(moved).isPositive().isLessThan(200 * 35 / 100);
    }

    @Test
    void roundRobinGivesEachReplicaItsTurn() {
        Echo echo = roundRobinClient.stub(Echo_Cleave.DESCRIPTOR, firstThree());

        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.merge(echo.whoAmI(), 1, Integer::sum);
        }

        assertThat(counts).containsOnlyKeys("r1", "r2", "r3");
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isEqualTo(100));
    }

    @Test
    void leastOutstandingAvoidsAReplicaBusyWithCalls() throws Exception {
        EchoImpl busy = impls.get(0);
        busy.blockStarted = new java.util.concurrent.CountDownLatch(20);
        Echo onlyBusy = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(servers.get(0).replica()));
        List<Thread> blocked = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            blocked.add(Thread.ofVirtual().start(() -> {
                try {
                    CallContext.withDeadline(Duration.ofSeconds(30), onlyBusy::block);
                } catch (Exception expected) {
                    // interrupted at the end of the test
                }
            }));
        }
        assertThat(busy.blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
        Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, firstThree());

        Set<String> served = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            served.add(echo.whoAmI());
        }

        blocked.forEach(Thread::interrupt);
        for (Thread t : blocked) {
            t.join();
        }
        assertThat(served).doesNotContain("r1").containsExactlyInAnyOrder("r2", "r3");
    }

    @Test
    void removedReplicaGetsNoNewCalls() {
        RoutingTable table = firstThree();
        Echo echo = roundRobinClient.stub(Echo_Cleave.DESCRIPTOR, table);

        table.remove(servers.get(1).replica());

        Set<String> served = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            served.add(echo.whoAmI());
        }
        assertThat(served).containsExactlyInAnyOrder("r1", "r3");
    }
}
