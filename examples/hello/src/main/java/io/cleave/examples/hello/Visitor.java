package io.cleave.examples.hello;

import java.util.List;

/**
 * Someone visiting.
 *
 * @param name their name
 * @param languages languages they speak, most preferred first
 */
public record Visitor(String name, List<String> languages) {
}
