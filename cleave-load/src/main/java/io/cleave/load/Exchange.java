package io.cleave.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** One request of the run, from its intended start to its outcome. Owned by one event loop. */
final class Exchange {

    final long index;
    /** When the schedule wanted it to start; latency is measured from here. */
    final long intendedAt;
    final long deadline;
    final Session session;
    final Step step;
    FullHttpRequest request;
    /** When it was written to a connection; 0 while it waits for one. */
    long sentAt;

    Exchange(long index, long intendedAt, long deadline, Session session, Step step) {
        this.index = index;
        this.intendedAt = intendedAt;
        this.deadline = deadline;
        this.session = session;
        this.step = step;
    }

    /** The value of a variable for this request: the session's, or a built-in. */
    JsonNode value(String name) {
        JsonNode value = session.vars.get(name);
        if (value != null) {
            return value;
        }
        return switch (name) {
            case "session" -> LongNode.valueOf(session.id);
            case "request" -> LongNode.valueOf(index);
            case "uuid" -> TextNode.valueOf(new UUID(ThreadLocalRandom.current().nextLong() & ~0xF000L | 0x4000L,
                    ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString());
            case "random" -> IntNode.valueOf(ThreadLocalRandom.current().nextInt(1_000_000_000));
            // the parser lets no other name through; this is a step extracted nothing for
            default -> throw new IllegalStateException("variable \"" + name + "\" has no value");
        };
    }
}
