package io.cleave;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface that the runtime supplies to component constructors, such as a
 * component's data store or an HTTP listener. {@code cleave-codegen} accepts a constructor
 * parameter of such a type; at start the runtime asks its service providers for an instance
 * and names the component and parameter when none can supply it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RuntimeService {
}
