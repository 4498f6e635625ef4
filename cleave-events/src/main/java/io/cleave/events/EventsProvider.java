package io.cleave.events;

import io.cleave.Events;
import io.cleave.Inbox;
import io.cleave.StartupException;
import io.cleave.Store;
import io.cleave.spi.Codec;
import io.cleave.spi.ServiceProvider;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Supplies {@link Events} (one per constructor parameter {@code Events<E>}, written to the
 * component's {@link Outbox}, whose relay runs with the component) and {@link Inbox}, both on the
 * component's own {@link Store}, which its constructor must ask for too. Settings:
 * {@code [events]} (see {@link EventsSettings}).
 *
 * <p>Found by {@link java.util.ServiceLoader}; applications do not use this class directly.
 */
public final class EventsProvider implements ServiceProvider {

    /** One outbox per component store, shared by the component's {@code Events} parameters. */
    private final Map<Store, Outbox> outboxes = new IdentityHashMap<>();

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public EventsProvider() {
    }

    @Override
    public Set<String> sections() {
        return Set.of("events");
    }

    /** Checks {@code [events]} before anything starts. */
    @Override
    public AutoCloseable prepare(Preparation preparation) {
        EventsSettings.read(preparation.section("events"));
        return NOTHING;
    }

    @Override
    public Optional<?> provide(Request request) {
        if (request.type() == Inbox.class) {
            EventsSettings settings = EventsSettings.read(request.section("events"));
            Store store = request.service(Store.class);
            StoreInbox inbox = new StoreInbox(request.component(), store, settings);
            request.attach(inbox);
            if (settings.kafka()) {
                // with Kafka the subscriber's process consumes: its consumer runs beside the inbox it applies events through
                List<Subscribers.Subscriber> mine = new Subscribers(request.components()).ofComponent(request.component());
                if (!mine.isEmpty()) {
                    KafkaSubscription subscription = new KafkaSubscription(request.component(), mine, store, settings,
                            new KafkaTopics(request.application(), settings), request::component);
                    request.attach(subscription);
                    request.report(subscription::state);
                }
            }
            return Optional.of(inbox);
        }
        if (request.type() != Events.class) {
            return Optional.empty();
        }
        if (request.typeArguments().size() != 1) {
            throw new StartupException("component " + request.component() + ": constructor parameter \"" + request.parameter()
                    + "\" is an Events without the codec of its event type; compile the component with cleave-codegen,"
                    + " which generates it, and give the type argument (Events<OrderConfirmed>)");
        }
        Store store = request.service(Store.class);
        Outbox outbox;
        synchronized (outboxes) {
            outbox = outboxes.get(store);
            if (outbox == null) {
                EventsSettings settings = EventsSettings.read(request.section("events"));
                outbox = new Outbox(request.component(), store, settings, new Subscribers(request.components()),
                        request::component, settings.kafka() ? Optional.of(new KafkaTopics(request.application(), settings))
                                : Optional.empty());
                outboxes.put(store, outbox);
                Outbox created = outbox;
                request.attach(created);
                request.report(created::state);
                request.closeOnStop(() -> {
                    synchronized (outboxes) {
                        outboxes.remove(store);
                    }
                });
            }
        }
        return Optional.of(events(outbox, request.typeArguments().get(0)));
    }

    private static <E> Events<E> events(Outbox outbox, Codec<E> codec) {
        @SuppressWarnings("unchecked") // the processor generated the codec for the type argument E
        Class<E> type = (Class<E>) Subscribers.typeOf(codec);
        return new PublishedEvents<>(outbox, type, codec);
    }

    @Override
    public String describe() {
        return "cleave-events (Events, Inbox)";
    }
}
