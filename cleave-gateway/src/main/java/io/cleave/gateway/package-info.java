/** The HTTP front door: a reverse proxy in front of an application's listeners. */
package io.cleave.gateway;
