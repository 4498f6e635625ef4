package io.cleave;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a call answers when its component cannot: names a {@code static} method of the same
 * component interface, with the same parameter types and a compatible result, that runs in the
 * caller's process when the call fails for want of the component — it is unreachable or
 * overloaded, its breaker is open, its bulkhead full, the call timed out, or the callee failed
 * with an exception the method does not declare. A declared checked exception is the callee's
 * answer, not a failure: it arrives as itself. For calls whose result the caller can do without,
 * such as recommendations:
 *
 * <pre>{@code
 * @Idempotent
 * @Fallback("noRecommendations")
 * List<String> boughtTogether(String productId, int limit);
 *
 * static List<String> noRecommendations(String productId, int limit) {
 *     return List.of();
 * }
 * }</pre>
 *
 * The annotation processor checks the named method at compile time.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Fallback {

    /** @return the name of a static method of the component interface */
    String value();
}
