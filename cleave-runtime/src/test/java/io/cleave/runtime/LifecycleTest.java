package io.cleave.runtime;

import static io.cleave.runtime.Launches.failure;
import static io.cleave.runtime.Launches.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.StartupException;
import io.cleave.runtime.greet.Greeter;
import io.cleave.runtime.shop.Cart;
import io.cleave.runtime.shop.CartImpl;
import io.cleave.runtime.shop.Checkout;
import io.cleave.runtime.shop.Journal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    private static final String SHOP = """
            [app]
            name = "shop"
            """;

    private final Journal journal = new Journal();
    private final LaunchContext shop = LaunchContext.of(new io.cleave.runtime.shop.Cleave_Registry())
            .withProviders(Launches.journalProvider(journal));

    @Test
    void startsInDependencyOrderAndStopsInReverseThenClosesResources() {
        App app = start(shop, SHOP);
        List<String> afterStart = journal.events();

        app.close();

        assertThat(afterStart).containsExactly("construct Catalog", "construct Cart", "construct Checkout",
                "start Catalog", "start Cart", "start Checkout");
        assertThat(journal.events().subList(afterStart.size(), journal.events().size())).containsExactly(
                "stop Checkout", "stop Cart", "stop Catalog",
                "close resource of Checkout", "close resource of Cart", "close resource of Catalog");
    }

    @Test
    void componentsCallEachOtherThroughInjectedReferences() {
        try (App app = start(shop, SHOP)) {

            assertThat(app.component(Checkout.class).checkout()).isEqualTo("paid 7");
        }
    }

    @Test
    void failingStartStopsWhatStartedInReverseAndNamesTheComponent() {
        StartupException e = failure(shop, SHOP + "[Checkout]\nfail-on-start = true\n");

        assertThat(e).hasMessage("component Checkout failed to start: payment gateway unreachable")
                .hasCauseInstanceOf(IOException.class);
        assertThat(journal.events()).containsExactly("construct Catalog", "construct Cart", "construct Checkout",
                "start Catalog", "start Cart", "start Checkout",
                "stop Cart", "stop Catalog",
                "close resource of Checkout", "close resource of Cart", "close resource of Catalog");
    }

    @Test
    void failingConstructorClosesResourcesAndNamesTheComponent() {
        StartupException e = failure(shop, SHOP + "[Checkout]\nfail-in-constructor = true\n");

        assertThat(e).hasMessage("component Checkout failed to start: constructor failed: no payment provider configured")
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(journal.events()).containsExactly("construct Catalog", "construct Cart", "construct Checkout",
                "close resource of Checkout", "close resource of Cart", "close resource of Catalog");
    }

    @Test
    void plainSingleHandsOutAStubOverTheImplementationNotTheImplementation() {
        try (App app = start(shop, SHOP)) {

            Cart cart = app.component(Cart.class);

            assertThat(cart).isNotInstanceOf(CartImpl.class);
        }
    }

    @Test
    void askingForSomethingThatIsNotAComponentFails() {
        try (App app = start(shop, SHOP)) {

            assertThatThrownBy(() -> app.component(Greeter.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("io.cleave.runtime.greet.Greeter is not a component of application \"shop\";"
                            + " its components: Checkout, Cart, Catalog");
        }
    }

    @Test
    void closeIsIdempotentAndSafeFromManyThreads() throws Exception {
        App app = start(shop, SHOP);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> closers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            closers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                app.close();
            }));
        }

        go.countDown();
        for (Thread t : closers) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        app.close();

        assertThat(journal.events()).filteredOn(s -> s.startsWith("stop ")).containsExactly(
                "stop Checkout", "stop Cart", "stop Catalog");
    }

    @Test
    void awaitShutdownReturnsOnceClosed() throws Exception {
        App app = start(shop, SHOP);
        CountDownLatch returned = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                app.awaitShutdown();
                returned.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(returned.getCount()).isEqualTo(1);

        app.close();

        assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(journal.events()).contains("stop Catalog");
        waiter.join();
    }
}
