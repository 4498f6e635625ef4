/**
 * Runs one test body against every topology of a Cleave application: annotate the class with
 * {@link io.cleave.test.CleaveTest} and its methods with {@link io.cleave.test.TopologyTest};
 * declare components (by interface), the {@link io.cleave.App} or the
 * {@link io.cleave.test.TestTopology} as method parameters.
 */
@NullMarked
package io.cleave.test;

import org.jspecify.annotations.NullMarked;
