package io.cleave;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a component method a subscriber to the events of its first parameter's type: every
 * event of that type any component publishes with {@link Events#publish} is delivered to it at
 * least once, in order per key, wherever the two components run. The method returns {@code void} and takes two parameters, the
 * event (a record) and its id (a {@code String}, the same on every delivery of one event), which
 * it gives to its {@link Inbox} to apply the event once:
 *
 * <pre>{@code
 * @Subscribe
 * void orderConfirmed(OrderConfirmed event, String eventId);
 * }</pre>
 *
 * <p>A delivery that throws is retried with backoff; the annotation processor checks the
 * signature at compile time.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Subscribe {
}
