package io.cleave.load;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * An open-loop HTTP load test: requests start at the times the {@link Profile} sets, whatever
 * the target does, and each latency is measured from the time the request was meant to start,
 * so that a target that stalls cannot hide the queue it causes (no coordinated omission).
 *
 * <pre>{@code
 * LoadResult result = LoadTest.builder()
 *         .target(URI.create("http://127.0.0.1:8080/health"))
 *         .profile(Profile.steady(1000, Duration.ofSeconds(10)))
 *         .build()
 *         .run();
 * System.out.println(result.summary());
 * }</pre>
 *
 * <p>Requests go over a fixed pool of keep-alive HTTP/1.1 connections served by one event loop
 * thread by default. A request that finds every connection busy waits for one, and its wait is
 * part of its latency. A run ends by itself when the profile is over or the request limit is
 * reached, after the requests in flight have finished or timed out.
 */
public final class LoadTest {

    private final Target target;
    private final URI uri;
    private final Profile profile;
    private final Optional<Scenario> scenario;
    private final long maxRequests;
    private final int connections;
    private final int threads;
    private final Duration timeout;
    private final Duration warmup;
    private final Consumer<Progress> progress;
    private final Runnable measuring;
    private final Ticker ticker;
    private final Worker.Observer observer;
    private final List<Worker> workers = new ArrayList<>();
    private volatile boolean stopRequested;
    private boolean ran;

    private LoadTest(Builder builder) {
        this.uri = Objects.requireNonNull(builder.target, "target");
        this.target = Target.of(builder.target, builder.allowRemote);
        this.profile = Objects.requireNonNull(builder.profile, "profile");
        this.scenario = builder.scenario;
        if (builder.target.getRawQuery() != null && scenario.map(Scenario::belowTargetPath).orElse(false)) {
            throw new IllegalArgumentException("target " + builder.target + " has a query; with a scenario file the URL's path"
                    + " only prefixes each step's path, so write the query in the steps' paths instead");
        }
        this.maxRequests = builder.maxRequests;
        this.connections = builder.connections;
        this.threads = builder.threads;
        this.timeout = builder.timeout;
        this.warmup = builder.warmup;
        this.progress = builder.progress;
        this.measuring = builder.measuring;
        this.ticker = builder.ticker;
        this.observer = builder.observer;
    }

    /**
     * Starts describing a load test.
     *
     * @return a builder with the defaults: 64 connections, one thread, a 10 s timeout, no
     *     request limit beyond the profile, no progress reports
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the test to its end and returns what was measured. Blocks the calling thread, which
     * receives the progress reports, once per second.
     *
     * @return the result
     * @throws TargetUnreachableException if the connections could not be opened before the start
     * @throws InterruptedException if the calling thread is interrupted; the run is stopped
     * @throws IllegalStateException if this test was already run
     */
    public LoadResult run() throws TargetUnreachableException, InterruptedException {
        synchronized (this) {
            if (ran) {
                throw new IllegalStateException("a load test runs once; build another");
            }
            ran = true;
        }
        Scenario what = scenario.orElseGet(() -> Scenario.request("GET", target.request(), Map.of(), Optional.empty()));
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends Channel> channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("cleave-load", true), io);
        try {
            List<Worker> warmed = List.of();
            if (!warmup.isZero()) {
                double rate = profile.rateAt(Duration.ZERO) > 0 ? profile.rateAt(Duration.ZERO) : profile.rateAt(profile.duration().minusNanos(1));
                Schedule warm = new Schedule(Profile.steady(rate, warmup), Long.MAX_VALUE);
                phase(group, channelType, what, warm, Worker.Observer.NONE, p -> {}, List.of(), true);
                synchronized (workers) {
                    warmed = List.copyOf(workers);
                }
            }
            return phase(group, channelType, what, new Schedule(profile, maxRequests), observer, progress, warmed, false);
        } catch (InterruptedException e) {
            stop();
            throw e;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * Runs one phase to its end and collects it.
     *
     * @param warmed the workers of the phase before, to carry on on their connections and
     *     sessions; empty: new workers, connecting first
     * @param continued whether another phase follows on this one's workers
     */
    private LoadResult phase(EventLoopGroup group, Class<? extends Channel> channelType, Scenario what, Schedule schedule,
            Worker.Observer watcher, Consumer<Progress> reporter, List<Worker> warmed, boolean continued)
            throws TargetUnreachableException, InterruptedException {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        int perWorker = Math.max(1, (connections + threads - 1) / threads);
        Worker.Plan plan = new Worker.Plan(target, what, schedule, perWorker, timeout.toNanos(), channelType, ticker, watcher);
        List<Worker> phaseWorkers = new ArrayList<>();
        List<CompletableFuture<Void>> connected = new ArrayList<>();
        synchronized (workers) {
            workers.clear();
            for (int i = 0; i < threads; i++) {
                Worker worker;
                if (warmed.isEmpty()) {
                    worker = new Worker(i, threads, plan, group.next(), events::add);
                    connected.add(worker.connect());
                } else {
                    worker = warmed.get(i);
                    worker.continueWith(plan, events::add);
                }
                if (continued) {
                    worker.continueAfterwards();
                }
                phaseWorkers.add(worker);
            }
            workers.addAll(phaseWorkers);
        }
        try {
            CompletableFuture.allOf(connected.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            phaseWorkers.forEach(Worker::abort);
            throw new TargetUnreachableException(Worker.describe(e.getCause(), target));
        } catch (TimeoutException e) {
            phaseWorkers.forEach(Worker::abort);
            throw new TargetUnreachableException("cannot connect to " + target.authority() + ": no answer within 10 s");
        }
        if (!continued) {
            measuring.run();
        }
        Instant startedAt = Instant.now();
        long start = ticker.nanoTime();
        phaseWorkers.forEach(w -> w.start(start));
        if (stopRequested) {
            phaseWorkers.forEach(Worker::stop);
        }
        return collect(events, schedule, what, startedAt, reporter);
    }

    /**
     * Ends the run early, for example on Ctrl-C: no more requests start; those in flight finish
     * or time out, and {@link #run()} returns the result so far. Safe from any thread.
     */
    public void stop() {
        stopRequested = true;
        synchronized (workers) {
            workers.forEach(Worker::stop);
        }
    }

    private LoadResult collect(BlockingQueue<Object> events, Schedule schedule, Scenario what, Instant startedAt,
            Consumer<Progress> reporter) throws InterruptedException {
        TreeMap<Long, List<Recorder.Sample>> pending = new TreeMap<>();
        List<Recorder.Totals> totals = new ArrayList<>();
        List<LoadResult.Second> series = new ArrayList<>();
        long[] running = new long[2];
        while (totals.size() < threads) {
            Object event = events.take();
            if (event instanceof Recorder.Sample sample) {
                List<Recorder.Sample> samples = pending.computeIfAbsent(sample.second(), s -> new ArrayList<>());
                samples.add(sample);
                if (samples.size() == threads) {
                    pending.remove(sample.second());
                    series.add(second(samples, schedule, running, reporter));
                }
            } else {
                totals.add((Recorder.Totals) event);
            }
        }
        // event loops that finished early sent fewer seconds; what is left is partial by nature
        for (List<Recorder.Sample> samples : pending.values()) {
            series.add(second(samples, schedule, running, reporter));
        }
        series.sort((a, b) -> Long.compare(a.second(), b.second()));
        return LoadResult.of(uri.toString(), what, profile, schedule, startedAt, totals, series);
    }

    private LoadResult.Second second(List<Recorder.Sample> samples, Schedule schedule, long[] running, Consumer<Progress> reporter) {
        long second = samples.get(0).second();
        Histogram latency = Recorder.histogram();
        Histogram okLatency = Recorder.histogram();
        long sent = 0;
        long responses = 0;
        long errors = 0;
        Map<String, Long> errorsByKind = new HashMap<>();
        for (Recorder.Sample sample : samples) {
            latency.add(sample.latency());
            okLatency.add(sample.okLatency());
            sent += sample.sent();
            responses += sample.responses();
            errors += sample.errors();
            sample.errorsByKind().forEach((kind, n) -> errorsByKind.merge(kind, n, Long::sum));
        }
        long target = schedule.countBefore((second + 1) * 1_000_000_000L) - schedule.countBefore(second * 1_000_000_000L);
        running[0] += sent;
        running[1] += errors;
        LoadResult.Second result = new LoadResult.Second(second, target, sent, responses, errors, new TreeMap<>(errorsByKind),
                LoadResult.millis(latency, 50), LoadResult.millis(latency, 90), LoadResult.millis(latency, 99),
                latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000.0, LoadResult.millis(okLatency, 99));
        if (reporter != null) {
            reporter.accept(new Progress(second, target, sent, responses, errors, result.p50(), result.p99(), running[0], running[1]));
        }
        return result;
    }

    /**
     * Describes a load test. Only {@link #target(URI)} and {@link #profile(Profile)} are required.
     */
    public static final class Builder {

        private URI target;
        private Profile profile;
        private Optional<Scenario> scenario = Optional.empty();
        private long maxRequests = Long.MAX_VALUE;
        private int connections = 64;
        private int threads = 1;
        private Duration timeout = Duration.ofSeconds(10);
        private Duration warmup = Duration.ZERO;
        private boolean allowRemote;
        private Consumer<Progress> progress = p -> {};
        private Runnable measuring = () -> {};
        private Ticker ticker = Ticker.SYSTEM;
        private Worker.Observer observer = Worker.Observer.NONE;

        private Builder() {}

        /**
         * Where to send the load. Without a scenario every request is a GET of this URL, its path
         * and query exactly; with a scenario read from a file, the URL's path is a prefix of every
         * step's path (and the URL may have no query); a scenario of {@link Scenario#request(String, String, Map, Optional) one
         * request} sends its own path, whatever the URL's.
         *
         * @param target an {@code http://} URL on this machine (or anywhere, with
         *     {@link #allowRemote(boolean)})
         * @return this builder
         */
        public Builder target(URI target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * How many requests per second, and for how long.
         *
         * @param profile the arrival rate over time
         * @return this builder
         */
        public Builder profile(Profile profile) {
            this.profile = Objects.requireNonNull(profile, "profile");
            return this;
        }

        /**
         * What to send, instead of a GET of the target URL.
         *
         * @param scenario flows of requests with their data flow
         * @return this builder
         */
        public Builder scenario(Scenario scenario) {
            this.scenario = Optional.of(scenario);
            return this;
        }

        /**
         * The most requests the run sends, whatever the profile asks.
         *
         * @param maxRequests at least 1
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxRequests(long maxRequests) {
            if (maxRequests < 1) {
                throw new IllegalArgumentException("max requests must be at least 1, not " + maxRequests);
            }
            this.maxRequests = maxRequests;
            return this;
        }

        /**
         * How many connections to keep open to the target, shared out among the threads.
         *
         * @param connections from 1 to 10000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder connections(int connections) {
            if (connections < 1 || connections > 10_000) {
                throw new IllegalArgumentException("connections must be from 1 to 10000, not " + connections);
            }
            this.connections = connections;
            return this;
        }

        /**
         * How many event loop threads send the load. One sustains tens of thousands of requests
         * per second against a fast target.
         *
         * @param threads from 1 to 64
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads must be from 1 to 64, not " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * How long after its intended start a request counts as timed out.
         *
         * @param timeout positive, at most an hour
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("timeout must be positive and at most 1h, not " + Format.duration(timeout));
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Time to send load before the measured run, at the profile's starting rate (its end rate
         * if it starts at zero), so that neither this process nor the target is measured cold.
         * Nothing of the warm-up is recorded or reported. The measured run carries on on the
         * warm-up's connections and with its sessions in progress, so it starts in the steady
         * mix of steps rather than with every session at its first step; its
         * {@code sessions.completed} can count sessions the warm-up started.
         *
         * @param warmup zero (the default) or more, at most an hour
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder warmup(Duration warmup) {
            if (warmup.isNegative() || warmup.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("warm-up must be from 0 to 1h, not " + Format.duration(warmup));
            }
            this.warmup = warmup;
            return this;
        }

        /**
         * Whether a target that is not a loopback address may be loaded. Off by default, so that
         * a typo cannot send load to someone else's machine.
         *
         * @param allowRemote true to allow any address
         * @return this builder
         */
        public Builder allowRemote(boolean allowRemote) {
            this.allowRemote = allowRemote;
            return this;
        }

        /**
         * Receives a report once per second of the run, on the thread that called {@link LoadTest#run()}.
         *
         * @param progress the receiver
         * @return this builder
         */
        public Builder onProgress(Consumer<Progress> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Runs once as the measured run starts, after any warm-up, on the thread that called
         * {@link LoadTest#run()}: what runs beside the load (a CPU meter, say) can start with it.
         *
         * @param measuring the action
         * @return this builder
         */
        public Builder onMeasuring(Runnable measuring) {
            this.measuring = Objects.requireNonNull(measuring, "measuring");
            return this;
        }

        Builder ticker(Ticker ticker) {
            this.ticker = ticker;
            return this;
        }

        Builder observer(Worker.Observer observer) {
            this.observer = observer;
            return this;
        }

        /**
         * Checks the description and makes the test.
         *
         * @return the test, ready to run
         * @throws IllegalArgumentException if the target is not an {@code http://} URL, its host
         *     is unknown, or it is not a loopback address and remote targets were not allowed, or
         *     it has a query and the scenario comes from a file
         * @throws NullPointerException if the target or the profile is missing
         */
        public LoadTest build() {
            return new LoadTest(this);
        }
    }
}
