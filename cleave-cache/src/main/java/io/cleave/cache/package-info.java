/** Supplies {@link io.cleave.Cache}: a near tier per process, an optional shared tier in Redis, invalidated everywhere. */
package io.cleave.cache;
