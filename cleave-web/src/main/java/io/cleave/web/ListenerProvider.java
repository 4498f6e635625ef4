package io.cleave.web;

import io.cleave.Listener;
import io.cleave.StartupException;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import io.cleave.spi.ServiceProvider;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Supplies {@link Listener}: the listener named by the constructor parameter (from
 * {@link io.cleave.spi.ServiceProvider.Request#parameter()}), bound to the
 * address in {@code [listeners]} ({@code web = "host:port"}; {@code web} defaults to
 * {@code 127.0.0.1:8080}). Components of one application that ask for the same name share
 * one listener, which stops when the last of them stops.
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
        ConfigSection listeners = request.section("listeners");
        ListenerAddress address;
        if (listeners.has(name)) {
            address = ListenerAddress.parse(name, listeners.string(name));
        } else if (name.equals("web")) {
            address = ListenerAddress.WEB_DEFAULT;
        } else {
            throw new ConfigError("component " + request.component() + " asks for listener \"" + name
                    + "\" but [listeners] has no \"" + name + "\"; add " + name + " = \"127.0.0.1:8081\" (host:port)");
        }
        String key = request.application() + "/" + name;
        HttpListener listener;
        synchronized (open) {
            listener = open.get(key);
            if (listener == null || !listener.isRunning()) {
                listener = start(request.application(), request.component(), name, address, listeners.has(name));
                open.put(key, listener);
            }
            listener.acquire();
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

    private static HttpListener start(String application, String component, String name, ListenerAddress address,
            boolean configured) {
        try {
            return HttpListener.start(application, name, address);
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new StartupException("listener " + name + " of component " + component + " cannot listen on "
                    + address + (configured ? " ([listeners] " + name + ")" : " (the default for web; set [listeners] web)")
                    + ": " + cause.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "cleave-web (Listener)";
    }
}
