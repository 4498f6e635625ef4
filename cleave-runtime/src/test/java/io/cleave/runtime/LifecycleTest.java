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
    void aStartRefusedBeforeAnyComponentMakesNoDecorationOrClosesThoseItMade() {
        io.cleave.runtime.spi.CallDecorator recording = new io.cleave.runtime.spi.CallDecorator() {
            @Override
            public java.util.Set<String> sections() {
                return java.util.Set.of();
            }

            @Override
            public String describe() {
                return "a decorator recording its decorations";
            }

            @Override
            public Decoration create(Context context) {
                journal.record("decoration made");
                return new Decoration() {
                    @Override
                    public io.cleave.spi.Invoker decorate(io.cleave.spi.ComponentDescriptor<?> callee, io.cleave.spi.Invoker next,
                            boolean encoded) {
                        return next;
                    }

                    @Override
                    public void close() {
                        journal.record("decoration closed");
                    }
                };
            }
        };
        io.cleave.spi.ServiceProvider failingToPrepare = new io.cleave.spi.ServiceProvider() {
            @Override
            public java.util.Optional<?> provide(Request request) {
                return java.util.Optional.empty();
            }

            @Override
            public AutoCloseable prepare(Preparation preparation) throws Exception {
                throw new IOException("the database server cannot start");
            }

            @Override
            public String describe() {
                return "a provider whose server cannot start";
            }
        };

        failure(shop.withDecorators(recording), SHOP + "[Checkout]\nno-such-key = 1\n");
        assertThat(journal.events()).as("a configuration mistake: found before any decoration is made").isEmpty();

        int before = journal.events().size();
        Throwable prepareFailed = org.assertj.core.api.Assertions.catchThrowable(() -> start(shop.withDecorators(recording)
                .withProviders(Launches.journalProvider(journal), failingToPrepare), SHOP).close());
        assertThat(prepareFailed).isNotNull();
        assertThat(journal.events().subList(before, journal.events().size())).as("a provider failing to prepare")
                .containsExactly("decoration made", "decoration closed");
    }

    @Test
    void plainSingleHandsOutTheImplementationItself() {
        try (App app = start(shop, SHOP)) {

            assertThat(app.component(Cart.class)).isInstanceOf(CartImpl.class);
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
