package io.cleave.web;

import io.cleave.Listener;
import io.cleave.StartupException;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import io.cleave.spi.ServiceProvider;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Supplies {@link Listener}: the listener named by the constructor parameter (from
 * {@link io.cleave.spi.ServiceProvider.Request#parameter()}), bound to the
 * address in {@code [listeners]} ({@code web = "host:port"}; {@code web} defaults to
 * {@code 127.0.0.1:8080}) or in a {@code [listeners.web]} table, which also sets its TLS,
 * limits, read timeout, concurrency limit and trusted proxies. Components of one application
 * that ask for the same name share one listener, which stops when the last of them stops.
 *
 * <p>Found by {@link java.util.ServiceLoader}; applications do not use this class directly.
 */
public final class ListenerProvider implements ServiceProvider {

    private final Map<String, HttpListener> open = new ConcurrentHashMap<>();

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public ListenerProvider() {
    }

    @Override
    public Optional<?> provide(Request request) {
        if (request.type() != Listener.class) {
            return Optional.empty();
        }
        String name = request.parameter();
        ListenerSettings settings = settings(request.component(), name, request.section("listeners"), request::section);
        ListenerAddress configured = settings.address();
        Optional<String> gatewayToken = request.gatewayToken();
        if (gatewayToken.isPresent()) {
            settings = settings.fronted(gatewayToken.get(), request.gatewayElsewhere());
        }
        String key = request.application() + "/" + name;
        HttpListener listener;
        synchronized (open) {
            listener = open.get(key);
            if (listener == null || !listener.isRunning()) {
                listener = start(request.application(), request.dataDirectory(), request.component(), settings);
                open.put(key, listener);
            }
            listener.acquire();
        }
        if (gatewayToken.isPresent() && !request.gatewayElsewhere()) {
            if (configured.port() != 0) {
                ConfigSection gateway = request.section("gateway");
                boolean tls = gateway.has("tls-certificate") || gateway.has("tls-keystore");
                listener.servedAt(java.net.URI.create((tls ? "https://" : "http://") + configured.urlHost() + ":"
                        + configured.port() + "/"));
            }
            request.endpoint(Request.LISTENER_ENDPOINT + name, "http://" + configured.urlHost() + ":" + listener.port());
        }
        HttpListener acquired = listener;
        request.closeOnStop(() -> {
            synchronized (open) {
                acquired.release();
                if (!acquired.isRunning()) {
                    open.remove(key, acquired);
                }
            }
        });
        return Optional.of(listener);
    }

    /**
     * Checks the settings of every listener a component asks for, TLS files included, before any
     * process starts; and refuses listeners that no component asks for, since their settings would do nothing.
     */
    @Override
    public AutoCloseable prepare(Preparation preparation) {
        Set<String> asked = new TreeSet<>();
        for (Need need : preparation.needs()) {
            if (need.type() == Listener.class) {
                asked.add(need.parameter());
                ListenerSettings s = settings(need.component(), need.parameter(), preparation.section("listeners"),
                        preparation::section);
                s.tls().ifPresent(source -> ListenerTls.load(s.origin(), source));
            }
        }
        ConfigSection listeners = preparation.section("listeners");
        listeners.rejectUnknown(asked);
        listeners.rejectUnknownSubsections(asked, "a listener no component asks for");
        return NOTHING;
    }

    private static ListenerSettings settings(String component, String name, ConfigSection listeners,
            Function<String, ConfigSection> section) {
        Optional<ListenerSettings> configured = ListenerSettings.read(name, listeners, section);
        if (configured.isPresent()) {
            return configured.get();
        }
        if (name.equals("web")) {
            return ListenerSettings.plain(name, "the default for web; set [listeners] web", ListenerAddress.WEB_DEFAULT);
        }
        throw new ConfigError("component " + component + " asks for listener \"" + name
                + "\" but [listeners] has no \"" + name + "\"; add " + name + " = \"127.0.0.1:8081\" (host:port)"
                + " or a [listeners." + name + "] table");
    }

    private static HttpListener start(String application, java.nio.file.Path dataDirectory, String component,
            ListenerSettings settings) {
        try {
            return HttpListener.start(application, dataDirectory, settings);
        } catch (ConfigError e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new StartupException("listener " + settings.name() + " of component " + component + " cannot listen on "
                    + settings.address() + " (" + settings.origin() + "): "
                    + cause.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "cleave-web (Listener)";
    }
}
