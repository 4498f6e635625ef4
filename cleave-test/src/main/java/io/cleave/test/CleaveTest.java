package io.cleave.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class whose {@link TopologyTest} methods run once per topology of a Cleave
 * application. The application starts once per topology, on first use, and stops when the
 * class's tests are done.
 *
 * <pre>{@code
 * @CleaveTest(config = "shop-test.toml", set = "Payments.failure-rate=0")
 * class CheckoutTest {
 *     @TopologyTest
 *     void paysForTheCart(Cart cart, Checkout checkout) throws Exception {
 *         cart.add("tea");
 *         assertThat(checkout.pay()).isEqualTo(Receipt.PAID);
 *     }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(CleaveExtension.class)
public @interface CleaveTest {

    /**
     * The configuration: a file path (relative to the working directory), else a class-path
     * resource. Empty means what {@link io.cleave.Cleave#run} would read: {@code cleave.toml} in
     * the working directory, else on the class path.
     *
     * @return the configuration's location
     */
    String config() default "";

    /**
     * Keys to override, each {@code "Component.key=value"}; the value is read as a TOML value,
     * or as a string if it is not one.
     *
     * @return the overrides
     */
    String[] set() default {};

    /**
     * The topologies to run in, by {@link TestTopology#name()}; empty means every one
     * available ({@code single}, {@code single-serialized}, and any a module on the class path
     * adds).
     *
     * @return the topology names
     */
    String[] topologies() default {};
}
