package io.cleave.runtime.mail;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Dependency;
import io.cleave.spi.Registry;
import java.util.List;

/** Newsletter needs a Mailer, a runtime service. */
public final class Cleave_Registry implements Registry {
    public static final class NewsletterImpl implements Newsletter {
        private final Mailer mailer;

        public NewsletterImpl(Mailer mailer) {
            this.mailer = mailer;
        }

        @Override
        public void publish(String text) {
            mailer.send("all", text);
        }
    }

    static final ComponentDescriptor<Newsletter> NEWSLETTER = new ComponentDescriptor<>("Newsletter", Newsletter.class,
            NewsletterImpl.class, List.of(new Dependency.OnService("mailer", Mailer.class)),
            args -> new NewsletterImpl((Mailer) args[0]), List.of(), invoker -> text -> { }, (target, method, args) -> null);

    @Override
    public List<ComponentDescriptor<?>> components() {
        return List.of(NEWSLETTER);
    }
}
