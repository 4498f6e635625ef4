/** Supplies {@link io.cleave.Listener} to components: named HTTP endpoints on Helidon WebServer. */
package io.cleave.web;
