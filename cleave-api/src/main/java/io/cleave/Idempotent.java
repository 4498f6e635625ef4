package io.cleave;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that calling the method twice with the same arguments has the same effect as
 * calling it once, so the transport may retry it after a failure in which the call may have
 * reached the callee. Without it a call is delivered at most once: it is retried only when it
 * certainly did not reach the callee.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Idempotent {
}
