package io.cleave.contract;

import java.util.List;

/**
 * What one component promises on the wire, as {@code cleave-codegen} writes it into the jar at
 * {@link #PATH}{@code <component>.json}: its methods (each with the id a call carries), their
 * parameter and result types, and every value type they reach. Two builds whose contracts are
 * compatible ({@link Compatibility}) can run side by side, calling each other.
 *
 * <p>Types are written as in source with qualified names and type arguments, without
 * annotations: {@code java.util.List<com.acme.Line>}, {@code int}, {@code byte[]}.
 *
 * @param format the file's format version, {@link #FORMAT}
 * @param component the component's name
 * @param type the qualified name of the {@code @Component} interface
 * @param methods the remotable methods, in declaration order
 * @param valueTypes the records and enums the methods reach, by qualified name
 */
public record Contract(int format, String component, String type, List<Method> methods, List<ValueType> valueTypes) {

    /** Where in a jar (or classes directory) the contracts are: one file per component. */
    public static final String PATH = "META-INF/cleave/contracts/";

    /** The format this version writes and reads. */
    public static final int FORMAT = 1;

    /** Creates a contract; lists are copied. */
    public Contract {
        methods = List.copyOf(methods);
        valueTypes = List.copyOf(valueTypes);
    }

    /**
     * One remotable method.
     *
     * @param name its name
     * @param signature its name and erased parameter types, {@code add(java.lang.String,int)}
     * @param id the id a call carries ({@code Wire.methodId} of the signature), in hex
     * @param parameters its parameters, in order
     * @param result the result type; {@code void} for none
     * @param exceptions the declared checked exceptions, in declaration order (a reply names one
     *     by its position)
     */
    public record Method(String name, String signature, String id, List<Parameter> parameters, String result,
            List<String> exceptions) {

        /** Creates a method; lists are copied. */
        public Method {
            parameters = List.copyOf(parameters);
            exceptions = List.copyOf(exceptions);
        }
    }

    /**
     * A parameter.
     *
     * @param name its name in source
     * @param type its type
     */
    public record Parameter(String name, String type) {
    }

    /**
     * A record or an enum crossing the boundary.
     *
     * @param name its qualified name
     * @param kind {@code record} or {@code enum}
     * @param fields a record's fields (encoded by name), in order; empty for an enum
     * @param constants an enum's constants (encoded by name), in order; empty for a record
     */
    public record ValueType(String name, String kind, List<Field> fields, List<String> constants) {

        /** Creates a value type; lists are copied. */
        public ValueType {
            fields = List.copyOf(fields);
            constants = List.copyOf(constants);
        }
    }

    /**
     * A record's field.
     *
     * @param name its name, from which its wire id is derived
     * @param type its type
     */
    public record Field(String name, String type) {
    }
}
