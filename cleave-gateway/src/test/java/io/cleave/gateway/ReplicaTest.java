package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webclient.http1.Http1Client;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Retiring replicas: what lets an upstream change under requests without cutting one or leaking a connection. */
class ReplicaTest {

    private static final URI A = URI.create("http://127.0.0.1:9091");
    private static final URI B = URI.create("http://127.0.0.1:9092");
    private static final URI C = URI.create("http://127.0.0.1:9093");

    @Test
    void aRetiredReplicaTakesNoNewRequest() {
        Replica replica = new Replica(A, Http1Client.create());

        replica.retire();

        assertThat(replica.begin()).isFalse();
        assertThat(replica.closed()).isTrue();
    }

    @Test
    void aRetiredReplicaClosesItsConnectionsOnlyWhenItsLastRequestEnds() {
        Replica replica = new Replica(A, Http1Client.create());
        assertThat(replica.begin()).isTrue();
        assertThat(replica.begin()).isTrue();

        replica.retire();
        replica.end();

        assertThat(replica.closed()).isFalse();
        assertThat(replica.begin()).isFalse();
        replica.end();
        assertThat(replica.closed()).isTrue();
        assertThat(replica.outstanding()).isZero();
    }

    @Test
    void replacingKeepsTheReplicasOfUrlsThatStayAndRetiresTheOthers() {
        Upstreams upstreams = new Upstreams("upstream legacy", Http1Client::create);
        upstreams.replace(List.of(A, B));
        Replica a = upstreams.all().get(0);
        Replica b = upstreams.all().get(1);

        upstreams.replace(List.of(A, C));

        assertThat(upstreams.all().get(0)).isSameAs(a);
        assertThat(upstreams.uris()).containsExactly(A, C);
        assertThat(b.closed()).isTrue();
        assertThat(a.retired()).isFalse();
    }

    @Test
    void aRemovedUpstreamHasNoReplicaLeftAndSaysSo() {
        Upstreams upstreams = new Upstreams("upstream old", Http1Client::create);
        upstreams.replace(List.of(A));
        Replica a = upstreams.all().get(0);

        upstreams.retire();
        upstreams.replace(List.of(B)); // a late report changes nothing

        assertThat(upstreams.retired()).isTrue();
        assertThat(upstreams.pick(Set.of())).isEmpty();
        assertThat(a.closed()).isTrue();
    }
}
