package shop;

/** A superinterface: its abstract method is part of the component, its default method is not. */
public interface Named {
    String name();

    default String greeting() {
        return "hello from " + name();
    }
}
