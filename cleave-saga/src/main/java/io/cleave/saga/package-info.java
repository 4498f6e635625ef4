/** Supplies {@link io.cleave.Saga}: durable sagas journaled in the orchestrating component's own store. */
package io.cleave.saga;
