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
 * class's tests are done (or, {@linkplain #shared shared}, when every test is done).
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

    /**
     * Computes further overrides per test class and topology (a fresh database, say).
     *
     * @return the settings class; {@link TestSettings.None} for none
     */
    Class<? extends TestSettings> settings() default TestSettings.None.class;

    /**
     * Whether each test class and topology gets its own empty {@code app.data-dir} (a temporary
     * directory deleted afterwards), so embedded databases of two running apps never collide.
     *
     * @return true (the default) for a fresh directory
     */
    boolean freshDataDirectory() default true;

    /**
     * Whether test classes whose {@code @CleaveTest} is equal but for its topologies (the same
     * configuration, overrides, settings class and data directory choice) share one application per
     * topology (a class restricted to {@code multi} shares the {@code multi} one):
     * it starts for the first of them and stops when every test of the run is done. For classes
     * whose tests make their own data (their own users, orders, keys) and so cannot see each
     * other's; it saves a start per class and topology, which with {@code multi} is a process per
     * group. The settings class is asked once, for the first class.
     *
     * @return true to share; false (the default) for an application per class
     */
    boolean shared() default false;
}
