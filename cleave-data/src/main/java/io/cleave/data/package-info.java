/** Supplies {@link io.cleave.Store} to components: pooled JDBC, own schema, Flyway migrations. */
package io.cleave.data;
