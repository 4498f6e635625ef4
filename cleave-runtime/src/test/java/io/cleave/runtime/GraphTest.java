package io.cleave.runtime;

import static io.cleave.runtime.Launches.failure;
import static io.cleave.runtime.Launches.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.StartupException;
import io.cleave.runtime.greet.Greeter;
import io.cleave.runtime.mail.Mailer;
import io.cleave.runtime.shop.Journal;
import io.cleave.runtime.shop.Shop_Cleave;
import io.cleave.spi.Registry;
import io.cleave.spi.ServiceProvider;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GraphTest {

    private static final String APP = """
            [app]
            name = "graph"
            """;

    @Test
    void anApplicationWithoutComponentsSaysTheProcessorDidNotRunAndHowToFixIt() {
        StartupException e = failure(LaunchContext.of(), APP);

        assertThat(e).hasMessage(CleaveLauncher.NO_COMPONENTS);
        assertThat(e.getMessage()).startsWith("this application has no components: the class path has no"
                + " META-INF/services/io.cleave.spi.Registry, which the annotation processor (io.cleave:cleave-codegen)"
                + " writes when it compiles @Component interfaces, so it did not run.")
                .contains("set <proc>full</proc> in the maven-compiler-plugin's <configuration>");
    }

    @Test
    void cycleIsNamedWithARefSuggestion() {
        StartupException e = failure(LaunchContext.of(new io.cleave.runtime.cycle.Cleave_Registry()), APP);

        assertThat(e).hasMessage("dependency cycle: Ping -> Pong -> Ping; break it with a lazy reference: in Pong's"
                + " constructor take Ref<Ping> instead of Ping (parameter \"ping\")");
    }

    @Test
    void dependencyOnUnknownComponentNamesComponentAndParameter() {
        Registry cartAlone = () -> List.of(Shop_Cleave.CART);

        StartupException e = failure(LaunchContext.of(cartAlone), APP);

        assertThat(e.getMessage()).startsWith("component Cart: constructor parameter \"catalog\" needs"
                + " io.cleave.runtime.shop.Catalog, which is not a component of this application");
    }

    @Test
    void duplicateComponentNamesAreRejected() {
        LaunchContext context = LaunchContext.of(new io.cleave.runtime.greet.Cleave_Registry(),
                new io.cleave.runtime.dup.Cleave_Registry());

        StartupException e = failure(context, APP + "[Greeter]\ngreeting = \"Hi\"\n");

        assertThat(e.getMessage()).startsWith("two components are named \"Greeter\": io.cleave.runtime.greet.Greeter"
                + " (implemented by io.cleave.runtime.greet.GreeterImpl) and io.cleave.runtime.dup.Impostor")
                .endsWith("give one of them another name with @Component(name = ...)");
    }

    @Test
    void serviceNoProviderSuppliesNamesComponentParameterTypeAndProvidersTried() {
        LaunchContext context = LaunchContext.of(new io.cleave.runtime.mail.Cleave_Registry())
                .withProviders(Launches.journalProvider(new Journal()));

        StartupException e = failure(context, APP);

        assertThat(e).hasMessage("component Newsletter: constructor parameter \"mailer\" needs"
                + " io.cleave.runtime.mail.Mailer, which no service provider supplies (tried: test journal (Journal))");
    }

    @Test
    void failingServiceProviderIsNamedWithTheComponent() {
        ServiceProvider broken = new ServiceProvider() {
            @Override
            public Optional<?> provide(Request request) {
                if (request.type() == Mailer.class) {
                    throw new IllegalStateException("SMTP host missing in [" + request.section("mail").path() + "]");
                }
                return Optional.empty();
            }

            @Override
            public String describe() {
                return "test mail (Mailer)";
            }
        };
        LaunchContext context = LaunchContext.of(new io.cleave.runtime.mail.Cleave_Registry()).withProviders(broken);

        StartupException e = failure(context, APP);

        assertThat(e).hasMessage("component Newsletter: constructor parameter \"mailer\": test mail (Mailer) could not"
                + " supply io.cleave.runtime.mail.Mailer: SMTP host missing in [mail]");
    }

    @Test
    void providerReceivesParameterSectionsApplicationAndDataDirectory() {
        Mailer mailer = (to, text) -> { };
        StringBuilder seen = new StringBuilder();
        ServiceProvider provider = new ServiceProvider() {
            @Override
            public Optional<?> provide(Request request) {
                seen.append(request.parameter()).append(' ').append(request.component()).append(' ').append(request.application()).append(' ')
                        .append(request.dataDirectory()).append(' ').append(request.section("Newsletter.mail").string("host"));
                return Optional.of(mailer);
            }

            @Override
            public String describe() {
                return "test mail (Mailer)";
            }
        };
        LaunchContext context = LaunchContext.of(new io.cleave.runtime.mail.Cleave_Registry()).withProviders(provider);

        try (App app = start(context, APP + "data-dir = \"/var/lib/graph\"\n[Newsletter.mail]\nhost = \"smtp.local\"\n")) {

            assertThat(seen.toString()).isEqualTo("mailer Newsletter " + app.name() + " /var/lib/graph smtp.local");
        }
    }

    @Test
    void clockIsTheInjectedOne() {
        Clock fixed = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);
        LaunchContext context = LaunchContext.of(new io.cleave.runtime.greet.Cleave_Registry()).withClock(fixed);

        try (App app = start(context, APP + "[Greeter]\ngreeting = \"Hi\"\n")) {

            assertThat(app.component(Greeter.class).now()).isEqualTo(Instant.parse("2030-01-02T03:04:05Z"));
        }
    }
}
