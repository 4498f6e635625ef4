/**
 * Deployers beyond the built-in {@code single}: {@link io.cleave.deploy.MultiDeployer} runs an
 * application as one process per colocation group and replica under a supervisor;
 * {@link io.cleave.deploy.SupervisorHandle} is how tools ({@code cleave status},
 * {@code cleave logs}) find and query a running supervisor.
 */
@NullMarked
package io.cleave.deploy;

import org.jspecify.annotations.NullMarked;
