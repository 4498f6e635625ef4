package io.cleave.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One event loop's share of a run: its pacer, its connections, its sessions and its recorder.
 * Everything here runs on that one thread, so nothing is locked.
 */
final class Worker {

    /** Requests released per pass before the loop gets to do I/O again. */
    private static final int BATCH = 256;
    private static final long HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RECONNECT_DELAY_MILLIS = 50;

    /** What a worker needs to know about the run. */
    record Plan(Target target, Scenario scenario, Schedule schedule, int connections, long timeoutNanos,
            Class<? extends Channel> channelType, Ticker ticker, Observer observer) {}

    /** Sees every finished request; for tests. */
    @FunctionalInterface
    interface Observer {
        Observer NONE = (intendedAt, sentAt, finishedAt, status, errorKind) -> {};

        /**
         * @param sentAt 0 if the request never got a connection
         * @param status 0 if there was no response
         * @param errorKind null on success
         */
        void finished(long intendedAt, long sentAt, long finishedAt, int status, String errorKind);
    }

    private final int index;
    private final int stride;
    private Plan plan;
    private final EventLoop loop;
    private Consumer<Object> events;
    private final Bootstrap bootstrap;
    private final FullHttpRequest[] prebuilt;
    private final List<Step> steps;

    private final List<Connection> connections = new ArrayList<>();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private final ArrayDeque<Session> ready = new ArrayDeque<>();
    private final int[] flowWeights;
    private final int[] flowCredit;
    private final int totalWeight;
    private long sessions;
    private int inFlight;
    private int connecting;

    private CompletableFuture<Void> connectedAll;
    private Pacer pacer;
    private Recorder recorder;
    private ScheduledFuture<?> housekeeping;
    private boolean finished;
    private boolean starting = true;
    /** Another phase follows on the same connections and sessions: finishing leaves them open. */
    private boolean continued;

    Worker(int index, int stride, Plan plan, EventLoop loop, Consumer<Object> events) {
        this.index = index;
        this.stride = stride;
        this.plan = plan;
        this.loop = loop;
        this.events = events;
        this.steps = plan.scenario().steps();
        this.prebuilt = new FullHttpRequest[steps.size()];
        List<Scenario.Flow> flows = plan.scenario().flows();
        this.flowWeights = flows.stream().mapToInt(Scenario.Flow::weight).toArray();
        this.flowCredit = new int[flows.size()];
        this.totalWeight = flows.stream().mapToInt(Scenario.Flow::weight).sum();
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(plan.channelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        Connection connection = new Connection(Worker.this, plan.ticker());
                        channel.pipeline().addLast(connection.wire(), new HttpClientCodec(), connection);
                    }
                });
    }

    /** Opens this worker's connections; completes when all are open, or with the first failure. */
    CompletableFuture<Void> connect() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            connectedAll = done;
            for (Step step : steps) {
                if (step.constant()) {
                    prebuilt[step.id()] = build(step, null);
                }
            }
            for (int i = 0; i < plan.connections(); i++) {
                open();
            }
        });
        return done;
    }

    /** Starts releasing requests, the first due at {@code startNanos}. */
    void start(long startNanos) {
        loop.execute(() -> {
            starting = false;
            pacer = new Pacer(plan.schedule(), startNanos, index, stride);
            recorder = new Recorder(index, startNanos, steps.size(), plan.schedule().phaseEnds(), events);
            housekeeping = loop.scheduleAtFixedRate(this::housekeeping, HOUSEKEEPING_NANOS, HOUSEKEEPING_NANOS,
                    TimeUnit.NANOSECONDS);
            tick();
        });
    }

    /**
     * Marks this phase as followed by another ({@link #continueWith}): when it finishes, its
     * connections stay open and its sessions stay where they are. Call before {@link #start}.
     */
    void continueAfterwards() {
        loop.execute(() -> continued = true);
    }

    /**
     * Makes this worker, which finished a phase marked {@link #continueAfterwards}, ready for the
     * next one on the same connections (reopening any lost meanwhile) and sessions: the next
     * phase's first requests carry on the sessions in progress rather than all starting anew,
     * and session numbers keep counting. Then call {@link #start}.
     */
    void continueWith(Plan next, Consumer<Object> nextEvents) {
        loop.execute(() -> {
            plan = next;
            events = nextEvents;
            continued = false;
            finished = false;
            while (connections.size() + connecting < plan.connections()) {
                open();
            }
        });
    }

    /** Releases no more requests; those in flight finish or time out, then the worker reports. */
    void stop() {
        loop.execute(() -> {
            if (pacer != null) {
                pacer.stop();
                finishIfDone();
            }
        });
    }

    /** Closes the connections without running; for a start that failed. */
    void abort() {
        loop.execute(() -> {
            finished = true;
            connections.forEach(Connection::close);
        });
    }

    private void tick() {
        if (finished) {
            return;
        }
        long now = plan.ticker().nanoTime();
        int released = pacer.release(now, BATCH, this::dispatch);
        if (pacer.exhausted()) {
            finishIfDone();
        } else if (released == BATCH) {
            loop.execute(this::tick);
        } else {
            // no busy-polling for the last microseconds before a due time: it lowers the
            // generator's lag on an idle machine, but a thread that never sleeps loses the
            // scheduler's favour, and on a busy machine it sustained less than half the rate
            long delay = pacer.nextDueAt() - plan.ticker().nanoTime();
            if (delay <= 0) {
                loop.execute(this::tick);
            } else {
                loop.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void dispatch(long requestIndex, long intendedAt) {
        Session session = ready.pollFirst();
        if (session == null) {
            session = newSession();
        }
        Exchange exchange = new Exchange(requestIndex, intendedAt, intendedAt + plan.timeoutNanos(), session, session.step());
        recorder.sent(plan.ticker().nanoTime(), intendedAt);
        inFlight++;
        try {
            FullHttpRequest ready = prebuilt[exchange.step.id()];
            exchange.request = ready != null ? ready.retainedDuplicate() : build(exchange.step, exchange);
        } catch (RuntimeException e) {
            failed(exchange, "request not built: " + e.getMessage());
            return;
        }
        Connection connection = idle.pollFirst();
        if (connection != null) {
            connection.send(exchange);
        } else {
            waiting.addLast(exchange);
        }
    }

    private Session newSession() {
        // smooth weighted round robin: deterministic, and spreads each flow evenly over time
        int best = 0;
        for (int i = 0; i < flowCredit.length; i++) {
            flowCredit[i] += flowWeights[i];
            if (flowCredit[i] > flowCredit[best]) {
                best = i;
            }
        }
        flowCredit[best] -= totalWeight;
        recorder.sessionsStarted++;
        long id = sessions++ * stride + index + 1;
        return new Session(id, plan.scenario().flows().get(best), plan.scenario().initialVars());
    }

    private FullHttpRequest build(Step step, Exchange exchange) {
        java.util.function.Function<String, JsonNode> values =
                exchange == null ? name -> { throw new IllegalStateException("constant step uses " + name); } : exchange::value;
        String prefix = plan.scenario().belowTargetPath() ? plan.target().basePath() : "";
        String uri = prefix + step.path().expand(values, Template.Escape.URL);
        byte[] body = step.body().render(values);
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, step.method(), uri,
                body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        HttpHeaders headers = request.headers();
        headers.set(HttpHeaderNames.HOST, plan.target().hostHeader());
        headers.set(HttpHeaderNames.USER_AGENT, "cleave-load");
        for (Step.Header header : plan.scenario().headers()) {
            headers.set(header.name(), header.value().expand(values, Template.Escape.NONE));
        }
        for (Step.Header header : step.headers()) {
            headers.set(header.name(), header.value().expand(values, Template.Escape.NONE));
        }
        if (body.length > 0 && !headers.contains(HttpHeaderNames.CONTENT_TYPE)) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, step.body().contentType());
        }
        if (body.length > 0 || step.method().name().startsWith("P")) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        return request;
    }

    // ---- outcomes, called by connections on this loop

    /**
     * A response arrived.
     *
     * @param connection where to send the next request, null if the connection closed
     * @param now when the last bytes of the response were read, before they were decoded
     */
    void completed(Connection connection, Exchange exchange, int status, byte[] body, long now) {
        Step step = exchange.step;
        String error = step.expect().accepts(status) ? null : "status " + status;
        if (error == null && step.needsBody()) {
            error = extract(exchange, body);
        }
        inFlight--;
        recorder.response(now, step, now - exchange.intendedAt, now - exchange.sentAt, error);
        plan.observer().finished(exchange.intendedAt, exchange.sentAt, now, status, error);
        sessionStepDone(exchange.session, error == null);
        if (connection != null) {
            released(connection);
        }
        finishIfDone();
    }

    void failed(Exchange exchange, String kind) {
        long now = plan.ticker().nanoTime();
        inFlight--;
        if (exchange.request != null) {
            exchange.request.release();
            exchange.request = null;
        }
        recorder.failure(now, exchange.intendedAt, exchange.step, kind);
        plan.observer().finished(exchange.intendedAt, exchange.sentAt, now, 0, kind);
        sessionStepDone(exchange.session, false);
        finishIfDone();
    }

    private String extract(Exchange exchange, byte[] body) {
        if (body == null) {
            return "extract: response too large";
        }
        JsonNode document;
        try {
            document = JsonTemplate.MAPPER.readTree(body);
        } catch (IOException e) {
            return "extract: response is not JSON";
        }
        if (document == null) {
            return "extract: response is empty";
        }
        for (var entry : exchange.step.extract().entrySet()) {
            var value = entry.getValue().find(document);
            if (value.isEmpty()) {
                return "extract: " + entry.getValue() + " not found";
            }
            exchange.session.vars.put(entry.getKey(), value.get());
        }
        return null;
    }

    private void sessionStepDone(Session session, boolean ok) {
        if (!ok) {
            recorder.sessionsFailed++;
        } else if (session.advance()) {
            ready.addLast(session);
        } else {
            recorder.sessionsCompleted++;
        }
    }

    // ---- the connection pool

    private void open() {
        connecting++;
        ChannelFuture future = bootstrap.connect(plan.target().address());
        future.addListener(f -> {
            if (!f.isSuccess()) {
                connecting--;
                connectFailed(f.cause());
            }
        });
    }

    void connected(Connection connection) {
        connecting--;
        if (finished) {
            connection.close();
            return;
        }
        connections.add(connection);
        if (starting) {
            if (connections.size() == plan.connections() && connectedAll != null) {
                connectedAll.complete(null);
            }
            idle.addLast(connection);
            return;
        }
        released(connection);
    }

    private void connectFailed(Throwable cause) {
        if (starting) {
            if (connectedAll != null) {
                connectedAll.completeExceptionally(cause);
            }
            return;
        }
        if (finished) {
            return;
        }
        if (connections.isEmpty()) {
            // nothing can carry the waiting requests: fail them now rather than at their timeouts
            Exchange exchange;
            while ((exchange = waiting.pollFirst()) != null) {
                failed(exchange, "connect");
            }
        }
        if (!finished) {
            loop.schedule(this::open, RECONNECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void released(Connection connection) {
        Exchange next = waiting.pollFirst();
        if (next != null) {
            connection.send(next);
        } else {
            idle.addLast(connection);
        }
    }

    void lost(Connection connection, Exchange inFlightExchange) {
        connections.remove(connection);
        idle.remove(connection);
        if (inFlightExchange != null) {
            failed(inFlightExchange, "closed");
        }
        if (!finished && !starting) {
            open();
        }
    }

    private void housekeeping() {
        long now = plan.ticker().nanoTime();
        recorder.roll(now);
        for (Connection connection : List.copyOf(connections)) {
            Exchange exchange = connection.inFlight();
            if (exchange != null && exchange.deadline <= now) {
                connection.abandon();
                failed(exchange, "timeout");
            }
        }
        while (!waiting.isEmpty() && waiting.peekFirst().deadline <= now) {
            failed(waiting.pollFirst(), "timeout");
        }
        finishIfDone();
    }

    private void finishIfDone() {
        if (finished || pacer == null || !pacer.exhausted() || inFlight > 0) {
            return;
        }
        finished = true;
        housekeeping.cancel(false);
        if (!continued) {
            connections.forEach(Connection::close);
            for (FullHttpRequest request : prebuilt) {
                if (request != null) {
                    request.release();
                }
            }
        }
        recorder.finish(plan.ticker().nanoTime());
    }

    /** A connect failure as one line for people. */
    static String describe(Throwable cause, Target target) {
        String message = String.valueOf(cause.getMessage());
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        String reason;
        if (lower.contains("refused")) {
            reason = "connection refused";
        } else if (cause instanceof io.netty.channel.ConnectTimeoutException || lower.contains("timed out")) {
            reason = "no answer (connect timed out)";
        } else if (lower.contains("unreachable")) {
            reason = "network unreachable";
        } else {
            // Netty wraps the reason as "finishConnect(..) failed with error(-N): reason: /address"
            reason = message.replaceAll("^.*\\): ", "").replaceAll(": /\\S+$", "");
        }
        return "cannot connect to " + target.authority() + ": " + reason;
    }
}
