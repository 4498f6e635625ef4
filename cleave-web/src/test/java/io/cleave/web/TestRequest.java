package io.cleave.web;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ServiceProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A provider request as the runtime would make it, with configuration from maps. */
class TestRequest implements ServiceProvider.Request {

    private final String component;
    private final Class<?> type;
    private final Map<String, Map<String, Object>> sections;
    final List<AutoCloseable> toClose = new ArrayList<>();

    TestRequest(String component, Class<?> type, Map<String, Map<String, Object>> sections) {
        this.component = component;
        this.type = type;
        this.sections = sections;
    }

    /** The same request naming its constructor parameter. */
    static NamedTestRequest named(String component, Class<?> type, String parameter, Map<String, Map<String, Object>> sections) {
        return new NamedTestRequest(component, type, parameter, sections);
    }

    @Override
    public String parameter() {
        return "web";
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
        return Path.of("target", "data-dir");
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

    static final class NamedTestRequest extends TestRequest {
        private final String parameter;

        NamedTestRequest(String component, Class<?> type, String parameter, Map<String, Map<String, Object>> sections) {
            super(component, type, sections);
            this.parameter = parameter;
        }

        @Override
        public String parameter() {
            return parameter;
        }
    }
}
