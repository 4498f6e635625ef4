package io.cleave.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;

/**
 * A test method of a {@link CleaveTest} class, run once per topology; each run is named after
 * its topology, such as {@code [single-serialized]}, and a failed assertion's message starts
 * with that name (Surefire's console shows runs by index). Its parameters may be component
 * interfaces, {@link io.cleave.App} and {@link TestTopology}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@TestTemplate
public @interface TopologyTest {
}
