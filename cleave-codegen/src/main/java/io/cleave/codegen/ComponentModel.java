package io.cleave.codegen;

import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeMirror;

/**
 * A checked component, ready for code generation.
 *
 * @param type the {@code @Component} interface
 * @param name the component's name
 * @param implementation the implementing class
 * @param dependencies the implementation constructor's parameters
 * @param methods the remotable methods, in index order
 */
record ComponentModel(TypeElement type, String name, TypeElement implementation, List<DependencyModel> dependencies,
        List<MethodModel> methods) {

    /**
     * One remotable method.
     *
     * @param element the method as declared (possibly in a superinterface)
     * @param resolved its type as a member of the component interface
     * @param idempotent whether it carries {@code @Idempotent}
     * @param keyParameter the {@code @Key} parameter's index, or -1
     * @param exceptions the declared checked exceptions, in declaration order
     * @param fallback the static method {@code @Fallback} names, if any
     * @param signature the name and erased parameter types, whose {@code Wire.methodId} calls carry
     */
    record MethodModel(ExecutableElement element, ExecutableType resolved, boolean idempotent, int keyParameter,
            List<TypeMirror> exceptions, java.util.Optional<ExecutableElement> fallback, String signature) {
    }

    /** What a constructor parameter is. */
    enum DependencyKind {
        COMPONENT, REF, CONFIG, SERVICE
    }

    /**
     * One constructor parameter.
     *
     * @param kind what it is
     * @param parameter its name in source
     * @param type its declared type
     * @param target the component of a {@code Ref}, the record of a config, else the type itself
     * @param hasDefaults for a config record: whether it declares {@code public static R defaults()}
     */
    record DependencyModel(DependencyKind kind, String parameter, TypeMirror type, DeclaredType target,
            boolean hasDefaults) {
    }
}
