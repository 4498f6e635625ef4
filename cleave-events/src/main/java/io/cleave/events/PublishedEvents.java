package io.cleave.events;

import io.cleave.Events;
import io.cleave.spi.Codec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/** {@link Events} of one type, written to the publishing component's {@link Outbox}. */
final class PublishedEvents<E> implements Events<E> {

    private final Outbox outbox;
    private final Class<E> type;
    private final Codec<E> codec;

    PublishedEvents(Outbox outbox, Class<E> type, Codec<E> codec) {
        this.outbox = outbox;
        this.type = type;
        this.codec = codec;
        outbox.register(type, codec);
    }

    @Override
    public void publish(Connection transaction, String key, E event) throws SQLException {
        Objects.requireNonNull(event, "event");
        if (event.getClass() != type) {
            throw new IllegalArgumentException("Events<" + type.getSimpleName() + ">.publish was given a "
                    + event.getClass().getName());
        }
        outbox.publish(transaction, key, event, codec);
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return outbox.deadLetters(type);
    }

    @Override
    public int replayDeadLetters() {
        return outbox.replay(type);
    }

    @Override
    public String toString() {
        return "Events<" + type.getSimpleName() + ">";
    }
}
