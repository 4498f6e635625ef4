package io.cleave.spi;

/**
 * Builds a component's config record from its configuration section. Generated per config
 * record; reports every unknown or invalid key through the section.
 *
 * @param <C> the record type
 */
@FunctionalInterface
public interface ConfigBinder<C extends Record> {

    /**
     * Binds the record.
     *
     * @param section the component's section (possibly empty)
     * @return the record
     * @throws ConfigSection.ConfigError if a key is missing, unknown or of the wrong type
     */
    C bind(ConfigSection section);
}
