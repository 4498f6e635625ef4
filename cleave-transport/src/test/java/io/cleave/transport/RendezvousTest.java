package io.cleave.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Consistent hashing of routing keys: stable, and moving few keys when replicas change. */
class RendezvousTest {

    private static final int KEYS = 10_000;

    private static Replica replica(int i) {
        return new Replica("127.0.0.1", 7000 + i);
    }

    private static List<Replica> owners(List<Replica> replicas) {
        List<Replica> out = new ArrayList<>(KEYS);
        for (int k = 0; k < KEYS; k++) {
            out.add(Rendezvous.pick(Rendezvous.hash("customer-" + k), replicas, r -> Rendezvous.hash(r.toString())));
        }
        return out;
    }

    @Test
    void addingAFourthReplicaMovesAboutAQuarterOfKeysAllToIt() {
        List<Replica> three = List.of(replica(1), replica(2), replica(3));
        List<Replica> four = List.of(replica(1), replica(2), replica(3), replica(4));

        List<Replica> before = owners(three);
        List<Replica> after = owners(four);

        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            if (!before.get(k).equals(after.get(k))) {
                moved++;
                assertThat(after.get(k)).isEqualTo(replica(4));
            }
        }
        assertThat(moved).isBetween(KEYS * 15 / 100, KEYS * 35 / 100);
    }

    @Test
    void removingAReplicaMovesOnlyItsKeys() {
        List<Replica> three = List.of(replica(1), replica(2), replica(3));
        List<Replica> two = List.of(replica(1), replica(3));

        List<Replica> before = owners(three);
        List<Replica> after = owners(two);

        for (int k = 0; k < KEYS; k++) {
            if (!before.get(k).equals(replica(2))) {
                assertThat(after.get(k)).isEqualTo(before.get(k));
            }
        }
    }

    @Test
    void spreadsKeysEvenly() {
        List<Replica> three = List.of(replica(1), replica(2), replica(3));

        List<Replica> owners = owners(three);

        for (Replica r : three) {
            long n = owners.stream().filter(r::equals).count();
            assertThat(n).isBetween((long) KEYS / 3 - 500, (long) KEYS / 3 + 500);
        }
    }
}
