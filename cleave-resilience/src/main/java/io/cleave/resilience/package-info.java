/** Resilience policies on the calls between components: timeouts, budgeted retries, breakers, bulkheads, fallbacks. */
package io.cleave.resilience;
