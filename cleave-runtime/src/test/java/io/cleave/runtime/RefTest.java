package io.cleave.runtime;

import static io.cleave.runtime.Launches.failure;
import static io.cleave.runtime.Launches.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.StartupException;
import io.cleave.runtime.refs.Chicken;
import io.cleave.runtime.refs.Egg;
import org.junit.jupiter.api.Test;

class RefTest {

    private static final String FARM = """
            [app]
            name = "farm"
            """;

    private final LaunchContext farm = LaunchContext.of(new io.cleave.runtime.refs.Cleave_Registry());

    @Test
    void refBreaksACycleAndResolvesOnceConstructed() {
        try (App app = start(farm, FARM)) {

            assertThat(app.component(Egg.class).mother()).isEqualTo("Henrietta");
            assertThat(app.component(Chicken.class).firstEgg()).isEqualTo("egg #1");
        }
    }

    @Test
    void refResolvesToSerializingStubInSerializedMode() {
        try (App app = start(farm, Launches.serialized(FARM))) {

            assertThat(app.component(Egg.class).mother()).isEqualTo("Henrietta");
        }
    }

    @Test
    void refUsedFromAConstructorFailsClearly() {
        StartupException e = failure(farm, FARM + "[Egg]\neager = true\n");

        assertThat(e).hasMessage("component Egg failed to start: constructor failed: Ref<Chicken> held by Egg was used"
                + " before the application finished constructing its components; call get() from a method or from"
                + " Lifecycle.start(), not from a constructor")
                .hasCauseInstanceOf(IllegalStateException.class);
    }
}
