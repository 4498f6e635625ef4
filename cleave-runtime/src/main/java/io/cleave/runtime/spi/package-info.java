/**
 * How deployers plug into the runtime. A {@link io.cleave.runtime.spi.Deployer} is found with
 * {@link java.util.ServiceLoader} by the name in {@code [app] deployer}; it decides, for each
 * component, whether this process hosts it or reaches it through an
 * {@link io.cleave.spi.Invoker}. The runtime does the rest: configuration, the graph, the
 * lifecycle.
 */
@NullMarked
package io.cleave.runtime.spi;

import org.jspecify.annotations.NullMarked;
