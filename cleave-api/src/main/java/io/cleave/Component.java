package io.cleave;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a Cleave component: a unit of the application that may run in the
 * caller's process or in another one, as the deployment configuration decides.
 *
 * <p>Every method's parameters, return type and declared checked exceptions must be able to
 * cross a process boundary; {@code cleave-codegen} checks this at compile time. Exactly one
 * class in the application implements the interface. Its single public constructor declares
 * what it needs: other components (by interface), a {@link Ref} to a component for cycles, one
 * config record bound from the component's section of {@code cleave.toml}, and runtime
 * services such as {@link java.time.Clock} or {@link System.Logger}.
 *
 * <pre>{@code
 * @Component
 * public interface Greeter {
 *     String greet(String name);
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Component {

    /**
     * The component's name in configuration, logs and metrics; defaults to the interface's
     * simple name.
     *
     * @return the name, or {@code ""} for the interface's simple name
     */
    String name() default "";
}
