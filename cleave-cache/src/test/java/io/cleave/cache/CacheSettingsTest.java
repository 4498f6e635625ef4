package io.cleave.cache;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Cleave;
import io.cleave.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [cache]} is checked before anything starts: an unknown key or a bad value fails the start naming it. */
class CacheSettingsTest {

    @TempDir
    java.nio.file.Path data;

    private void start(String cache) {
        Cleave.app().configText("[app]\nname = \"cache-settings\"\ndata-dir = \"" + data + "\"\n[cache]\n" + cache + "\n")
                .start().close();
    }

    @Test
    void anUnknownKeyIsRefused() {
        assertThatThrownBy(() -> start("near-tll = \"1m\""))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("near-tll");
    }

    @Test
    void aUrlThatIsNotRedisIsRefused() {
        assertThatThrownBy(() -> start("redis-url = \"http://127.0.0.1:6379\""))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[cache] redis-url = \"http://127.0.0.1:6379\": expected redis://host:port");
    }

    @Test
    void aNearSizeOutOfRangeIsRefused() {
        assertThatThrownBy(() -> start("near-max-entries = 0"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[cache] near-max-entries = 0: must be 1 to 100000000");
    }

    @Test
    void aNegativeTtlIsRefused() {
        assertThatThrownBy(() -> start("shared-ttl = \"-1s\""))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("shared-ttl");
    }
    @Test
    void anEdgePurgeWithoutRedisIsRefused() {
        assertThatThrownBy(() -> start("[cache.edge-purge]\n\"Quotes.cache\" = \"/quotes/{key}\""))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[cache.edge-purge] tells the gateway's edge cache through Redis, and [cache] has no redis-url");
    }

    @Test
    void anEdgePurgePathWithAQueryIsRefused() {
        assertThatThrownBy(() -> start("redis-url = \"redis://127.0.0.1:6379\"\n[cache.edge-purge]\n"
                + "\"Quotes.cache\" = \"/quotes?id={key}\""))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[cache.edge-purge] \"Quotes.cache\" = \"/quotes?id={key}\": expected a path prefix");
    }

    @Test
    void anEdgePurgeOfACacheNoComponentAsksForIsRefusedNamingTheCaches() {
        assertThatThrownBy(() -> start("redis-url = \"redis://127.0.0.1:6379\"\n[cache.edge-purge]\n"
                + "\"Quotes.price\" = \"/quotes/{key}\""))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[cache.edge-purge] \"Quotes.price\": no component asks for a cache by that name;"
                        + " the caches are Quotes.cache (Component.parameter)");
    }

    @Test
    void anEdgePurgeNoGatewayHearsIsRefused() {
        assertThatThrownBy(() -> start("redis-url = \"redis://127.0.0.1:6379\"\n[cache.edge-purge]\n"
                + "\"Quotes.cache\" = \"/quotes/{key}\""))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("there is no [gateway]: it would purge nothing");
    }

    @Test
    void anUnknownTableIsRefused() {
        assertThatThrownBy(() -> start("[cache.edge-purges]\n\"Quotes.cache\" = \"/quotes/{key}\""))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("edge-purges");
    }
}
