package io.cleave.transport;

import io.cleave.CallContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A replica of {@link Echo} that records what happened to it. */
final class EchoImpl implements Echo {

    final String name;
    final AtomicInteger calls = new AtomicInteger();
    /** Counted down when {@link #block()} starts. */
    volatile CountDownLatch blockStarted = new CountDownLatch(1);
    /** Counted down when {@link #block()} is interrupted. */
    volatile CountDownLatch blockInterrupted = new CountDownLatch(1);
    /** Run at the start of {@link #once()} and {@link #whoAmI()}: lets a test crash the replica mid-call. */
    volatile Runnable onCall = () -> { };

    EchoImpl(String name) {
        this.name = name;
    }

    @Override
    public String echo(String text) {
        calls.incrementAndGet();
        return text;
    }

    @Override
    public Map<String, List<Long>> mirror(Map<String, List<Long>> value, byte[] bytes, int times) {
        Map<String, List<Long>> out = new LinkedHashMap<>(value);
        List<Long> sizes = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            sizes.add((long) bytes.length);
        }
        out.put("bytes", sizes);
        return out;
    }

    @Override
    public void reserve(String sku) throws OutOfStockException {
        throw new OutOfStockException("no " + sku + " left");
    }

    @Override
    public void crash(String message) {
        throw new IllegalStateException(message);
    }

    @Override
    public String context() {
        CallContext c = CallContext.current();
        return c.remainingNanos() / 1000 + "|" + c.traceId().orElse("") + "|" + c.caller().orElse("");
    }

    @Override
    public String block() {
        blockStarted.countDown();
        try {
            new CountDownLatch(1).await();
            return "never";
        } catch (InterruptedException e) {
            blockInterrupted.countDown();
            return "interrupted";
        }
    }

    @Override
    public String whoAmI() {
        calls.incrementAndGet();
        onCall.run();
        return name;
    }

    @Override
    public String once() {
        calls.incrementAndGet();
        onCall.run();
        return name;
    }

    @Override
    public byte[] fill(int bytes) {
        calls.incrementAndGet();
        return new byte[bytes];
    }

    @Override
    public String owner(String key) {
        calls.incrementAndGet();
        return name;
    }
}
