package io.cleave.spi;

/**
 * A {@link ServiceProvider.Request} that also names the constructor parameter being supplied.
 * Services that are named by the parameter, such as {@link io.cleave.Listener} ({@code Listener
 * web} asks for the listener {@code web}), read the name from here.
 *
 * <p>Interim: once {@link ServiceProvider.Request} itself has {@code parameter()}, this
 * interface becomes redundant.
 */
public interface NamedRequest extends ServiceProvider.Request {

    /**
     * The name of the constructor parameter, as compiled with {@code -parameters} or recorded
     * by the code generator.
     *
     * @return the parameter name, such as {@code web}
     */
    String parameter();
}
