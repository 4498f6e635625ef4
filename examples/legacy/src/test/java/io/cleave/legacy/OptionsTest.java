package io.cleave.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptionsTest {

    @Test
    void defaultsToPort9090AndDataInTheWorkingDirectory() {
        Options options = Options.parse(List.of());

        assertThat(options).isEqualTo(new Options(9090, Path.of("data")));
    }

    @Test
    void readsPortAndDataDirectory() {
        Options options = Options.parse(List.of("--port=0", "--data=/tmp/legacy"));

        assertThat(options).isEqualTo(new Options(0, Path.of("/tmp/legacy")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--port=http", "--port=-1", "--port=65536", "--port"})
    void refusesAPortOutOfRangeSayingWhatIsValid(String arg) {
        assertThatThrownBy(() -> Options.parse(List.of(arg)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(arg + ": the port must be a number from 0 to 65535 (0: any free port)");
    }

    @Test
    void refusesAnUnknownArgumentListingTheValidOnes() {
        assertThatThrownBy(() -> Options.parse(List.of("--prot=9090")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown argument \"--prot=9090\"; valid are --port=N and --data=DIR");
    }

    @Test
    void refusesADataDirectoryH2CannotName() {
        assertThatThrownBy(() -> Options.parse(List.of("--data=/tmp/a;b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--data=/tmp/a;b: the directory's path may not contain ';'");
    }
}
