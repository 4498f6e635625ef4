package io.cleave.data;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ServiceProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A provider request as the runtime would make it, with configuration from maps; collects what
 * is to be closed at stop so a test can close it.
 */
final class TestRequest implements ServiceProvider.Request {

    private final String component;
    private final Class<?> type;
    private final Map<String, Map<String, Object>> sections;
    private final Path dataDirectory;
    final List<AutoCloseable> toClose = new ArrayList<>();

    TestRequest(String component, Class<?> type, Map<String, Map<String, Object>> sections, Path dataDirectory) {
        this.component = component;
        this.type = type;
        this.sections = sections;
        this.dataDirectory = dataDirectory;
    }

    @Override
    public String parameter() {
        return "store";
    }

    @Override
    public String component() {
        return component;
    }

    @Override
    public Class<?> type() {
        return type;
    }

    @Override
    public ConfigSection section(String path) {
        return new MapConfigSection(path, sections.getOrDefault(path, Map.of()));
    }

    @Override
    public String application() {
        return "test";
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void closeOnStop(AutoCloseable resource) {
        toClose.add(resource);
    }

    /** Closes what was registered, newest first, as the runtime does at stop. */
    void stop() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        toClose.clear();
    }
}
