package io.cleave;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the one parameter of a component method that is its routing key. When the component
 * runs with several replicas, calls with equal keys go to the same replica while the replica
 * set is stable (consistent hashing), which gives affinity for caches and a basis for
 * sharding. At most one parameter per method may carry it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Key {
}
