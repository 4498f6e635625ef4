/** Metrics of every call between components, local ones included, and of the JVM, served in Prometheus format. */
package io.cleave.observe;
