package io.cleave.codegen;

import io.cleave.codegen.ComponentModel.MethodModel;
import io.cleave.contract.Contract;
import io.cleave.contract.Contracts;
import io.cleave.spi.Wire;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Writes a component's wire contract ({@link Contract}) as JSON, for {@code cleave compat} to
 * compare two builds by.
 */
final class ContractWriter {

    private final Types types;

    ContractWriter(Types types) {
        this.types = types;
    }

    /** The path of the component's contract in the class output. */
    static String path(ComponentModel model) {
        return Contract.PATH + model.name() + ".json";
    }

    String write(ComponentModel model) {
        Map<String, Contract.ValueType> valueTypes = new LinkedHashMap<>();
        List<Contract.Method> methods = new ArrayList<>();
        for (MethodModel m : model.methods()) {
            List<Contract.Parameter> parameters = new ArrayList<>();
            List<? extends VariableElement> declared = m.element().getParameters();
            List<? extends TypeMirror> resolved = m.resolved().getParameterTypes();
            for (int i = 0; i < resolved.size(); i++) {
                parameters.add(new Contract.Parameter(declared.get(i).getSimpleName().toString(),
                        name(resolved.get(i), valueTypes)));
            }
            methods.add(new Contract.Method(m.element().getSimpleName().toString(), m.signature(),
                    String.format("%08x", Wire.methodId(m.signature())), parameters,
                    name(m.resolved().getReturnType(), valueTypes),
                    m.exceptions().stream().map(e -> name(e, new LinkedHashMap<>())).toList()));
        }
        return Contracts.toJson(new Contract(Contract.FORMAT, model.name(), model.type().getQualifiedName().toString(),
                methods, valueTypes.values().stream()
                        .sorted(java.util.Comparator.comparing(Contract.ValueType::name)).toList()));
    }

    /** The type as in source without annotations; records and enums it reaches are added to {@code found}. */
    private String name(TypeMirror type, Map<String, Contract.ValueType> found) {
        if (type.getKind().isPrimitive() || type.getKind() == TypeKind.VOID) {
            return type.getKind().name().toLowerCase(java.util.Locale.ROOT);
        }
        if (type.getKind() == TypeKind.ARRAY) {
            return name(((ArrayType) type).getComponentType(), found) + "[]";
        }
        if (type.getKind() != TypeKind.DECLARED) {
            return types.erasure(type).toString();
        }
        DeclaredType declared = (DeclaredType) type;
        TypeElement element = (TypeElement) declared.asElement();
        String qualified = element.getQualifiedName().toString();
        if ((element.getKind() == ElementKind.RECORD || element.getKind() == ElementKind.ENUM)
                && !found.containsKey(qualified)) {
            found.put(qualified, null); // reserved first: a record may reach itself
            found.put(qualified, valueType(element, found));
        }
        if (declared.getTypeArguments().isEmpty()) {
            return qualified;
        }
        return qualified + declared.getTypeArguments().stream().map(t -> name(t, found))
                .collect(Collectors.joining(",", "<", ">"));
    }

    private Contract.ValueType valueType(TypeElement element, Map<String, Contract.ValueType> found) {
        String qualified = element.getQualifiedName().toString();
        if (element.getKind() == ElementKind.ENUM) {
            List<String> constants = element.getEnclosedElements().stream()
                    .filter(e -> e.getKind() == ElementKind.ENUM_CONSTANT).map(Element::getSimpleName)
                    .map(Object::toString).toList();
            return new Contract.ValueType(qualified, "enum", List.of(), constants);
        }
        List<Contract.Field> fields = new ArrayList<>();
        for (RecordComponentElement component : ValueTypes.components(element)) {
            fields.add(new Contract.Field(component.getSimpleName().toString(), name(component.asType(), found)));
        }
        return new Contract.ValueType(qualified, "record", fields, List.of());
    }
}
