package io.cleave.events;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Cleave;
import io.cleave.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [events]} is checked before anything starts: an unknown key or a bad value fails the start naming it. */
class EventsSettingsTest {

    @TempDir
    java.nio.file.Path data;

    private void start(String events) {
        Cleave.app().configText("[app]\nname = \"events-settings\"\ndata-dir = \"" + data + "\"\n[events]\n" + events + "\n")
                .start().close();
    }

    @Test
    void anUnknownKeyIsRefused() {
        assertThatThrownBy(() -> start("max-atempts = 3"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("max-atempts");
    }

    @Test
    void aBackoffCapShorterThanTheFirstBackoffIsRefused() {
        assertThatThrownBy(() -> start("initial-backoff = \"2s\"\nmax-backoff = \"1s\""))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[events] max-backoff (PT1S) is shorter than initial-backoff (PT2S)");
    }

    @Test
    void aMaxAttemptsOutOfRangeIsRefused() {
        assertThatThrownBy(() -> start("max-attempts = 0"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[events] max-attempts = 0: must be 1 to 1000");
    }

    @Test
    void kafkaPartitionsWithoutBootstrapServersIsRefused() {
        assertThatThrownBy(() -> start("kafka-partitions = 3"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[events] kafka-partitions is set but kafka-bootstrap-servers is not");
    }

    @Test
    void aMalformedBootstrapServerListIsRefused() {
        assertThatThrownBy(() -> start("kafka-bootstrap-servers = \"localhost\""))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[events] kafka-bootstrap-servers = \"localhost\": must be host:port");
    }

    @Test
    void aNonPositiveInboxRetentionIsRefused() {
        assertThatThrownBy(() -> start("inbox-retention = \"0s\""))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[events] inbox-retention");
    }
}
