package io.cleave.events;

import io.cleave.Events;
import io.cleave.Inbox;
import io.cleave.StartupException;
import io.cleave.Store;
import io.cleave.spi.Codec;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Dependency;
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
    /** The stores of the components whose Kafka consumer has started (one store per component and app). */
    private final Set<Store> consuming = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

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
            consumeFromKafka(request, store, settings);
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
        EventsSettings settings = EventsSettings.read(request.section("events"));
        Events<?> events = events(outbox(request, store, settings), request.typeArguments().get(0));
        if (settings.kafka()) {
            requireConsumers(request, Subscribers.typeOf(request.typeArguments().get(0)));
        }
        consumeFromKafka(request, store, settings);
        return Optional.of(events);
    }

    private Outbox outbox(Request request, Store store, EventsSettings settings) {
        synchronized (outboxes) {
            Outbox outbox = outboxes.get(store);
            if (outbox == null) {
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
            return outbox;
        }
    }

    /**
     * With Kafka the subscriber's process consumes: a subscribing component's consumer starts with
     * the first events service it asks for (its {@code Inbox}, or an {@code Events} it publishes
     * with: a cache that drops what an event says changed needs no inbox), on its store, which
     * keeps its dead letters. Once per component and process.
     */
    private void consumeFromKafka(Request request, Store store, EventsSettings settings) {
        if (!settings.kafka()) {
            return;
        }
        synchronized (consuming) {
            if (!consuming.add(store)) {
                return;
            }
        }
        List<Subscribers.Subscriber> mine = new Subscribers(request.components()).ofComponent(request.component());
        if (!mine.isEmpty()) {
            KafkaSubscription subscription = new KafkaSubscription(request.component(), mine, store, settings,
                    new KafkaTopics(request.application(), settings), request::component);
            request.attach(subscription);
            request.report(subscription::state);
        }
        request.closeOnStop(() -> {
            synchronized (consuming) {
                consuming.remove(store);
            }
        });
    }

    /**
     * Refuses to start when a subscriber of this event type could never consume it from Kafka:
     * its component asks for neither an {@code Inbox} nor an {@code Events}, so no consumer would
     * start with it and the events would wait in the topic unnoticed.
     */
    private static void requireConsumers(Request request, Class<?> type) {
        for (Subscribers.Subscriber s : new Subscribers(request.components()).of(type)) {
            ComponentDescriptor<?> subscriber = request.components().stream()
                    .filter(c -> c.type() == s.component()).findFirst().orElseThrow();
            boolean consumes = subscriber.dependencies().stream().anyMatch(d -> d instanceof Dependency.OnService on
                    && (on.type() == Inbox.class || on.type() == Events.class));
            if (!consumes) {
                throw new StartupException("component " + subscriber.name() + ": subscriber " + s.name() + " takes "
                        + type.getSimpleName() + " events, which go through Kafka ([events] kafka-bootstrap-servers), but "
                        + subscriber.name() + " asks for neither an Inbox nor an Events, one of which its Kafka consumer starts with;"
                        + " add an \"Inbox inbox\" parameter (and a Store) to its constructor");
            }
        }
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
