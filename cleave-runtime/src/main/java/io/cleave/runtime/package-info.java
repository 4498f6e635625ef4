/**
 * The Cleave runtime: reads {@code cleave.toml}, weaves the component graph from the generated
 * registries, constructs and starts components in dependency order, and runs them with the
 * built-in {@code single} deployer. Applications never call this package; they use
 * {@link io.cleave.Cleave}, which finds {@link io.cleave.runtime.CleaveLauncher} with
 * {@link java.util.ServiceLoader}.
 */
@NullMarked
package io.cleave.runtime;

import org.jspecify.annotations.NullMarked;
