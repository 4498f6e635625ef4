package io.cleave.codegen;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Decides which types can cross a process boundary and how each is encoded.
 */
final class ValueTypes {

    static final String SUPPORTED = "supported: primitives, String, records, enums, List/Set/Map/Optional, byte[], "
            + "Instant, Duration, BigDecimal, BigInteger, UUID";

    /** How a supported type is encoded. */
    enum Kind {
        BOOLEAN, BYTE, SHORT, CHAR, INT, LONG, FLOAT, DOUBLE,
        STRING, BYTES, INSTANT, DURATION, BIG_DECIMAL, BIG_INTEGER, UUID,
        ENUM, RECORD, LIST, SET, MAP, OPTIONAL, UNSUPPORTED;

        boolean scalar() {
            return ordinal() <= DOUBLE.ordinal();
        }
    }

    private final Elements elements;
    private final Types types;

    ValueTypes(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    Types types() {
        return types;
    }

    /** Classifies a type; primitives and their boxes share a kind. */
    Kind kind(TypeMirror type) {
        switch (type.getKind()) {
            case BOOLEAN: return Kind.BOOLEAN;
            case BYTE: return Kind.BYTE;
            case SHORT: return Kind.SHORT;
            case CHAR: return Kind.CHAR;
            case INT: return Kind.INT;
            case LONG: return Kind.LONG;
            case FLOAT: return Kind.FLOAT;
            case DOUBLE: return Kind.DOUBLE;
            case ARRAY:
                return ((ArrayType) type).getComponentType().getKind() == TypeKind.BYTE ? Kind.BYTES : Kind.UNSUPPORTED;
            case DECLARED:
                break;
            default:
                return Kind.UNSUPPORTED;
        }
        TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
        if (element.getKind() == ElementKind.ENUM) {
            return Kind.ENUM;
        }
        if (element.getKind() == ElementKind.RECORD) {
            return Kind.RECORD;
        }
        return switch (element.getQualifiedName().toString()) {
            case "java.lang.Boolean" -> Kind.BOOLEAN;
            case "java.lang.Byte" -> Kind.BYTE;
            case "java.lang.Short" -> Kind.SHORT;
            case "java.lang.Character" -> Kind.CHAR;
            case "java.lang.Integer" -> Kind.INT;
            case "java.lang.Long" -> Kind.LONG;
            case "java.lang.Float" -> Kind.FLOAT;
            case "java.lang.Double" -> Kind.DOUBLE;
            case "java.lang.String" -> Kind.STRING;
            case "java.time.Instant" -> Kind.INSTANT;
            case "java.time.Duration" -> Kind.DURATION;
            case "java.math.BigDecimal" -> Kind.BIG_DECIMAL;
            case "java.math.BigInteger" -> Kind.BIG_INTEGER;
            case "java.util.UUID" -> Kind.UUID;
            case "java.util.List" -> Kind.LIST;
            case "java.util.Set" -> Kind.SET;
            case "java.util.Map" -> Kind.MAP;
            case "java.util.Optional" -> Kind.OPTIONAL;
            default -> Kind.UNSUPPORTED;
        };
    }

    /** The wire type constant name in {@code io.cleave.spi.Wire} for a supported kind. */
    static String wireType(Kind kind) {
        return switch (kind) {
            case BOOLEAN, BYTE, SHORT, CHAR, INT, LONG -> "VARINT";
            case FLOAT -> "FIXED32";
            case DOUBLE -> "FIXED64";
            default -> "LEN";
        };
    }

    /** The type arguments of a declared type. */
    static List<? extends TypeMirror> arguments(TypeMirror type) {
        return ((DeclaredType) type).getTypeArguments();
    }

    static TypeElement element(TypeMirror type) {
        return (TypeElement) ((DeclaredType) type).asElement();
    }

    /** The record's components in declaration order. */
    static List<? extends RecordComponentElement> components(TypeElement record) {
        return record.getRecordComponents();
    }

    /**
     * Checks that a value type can cross a process boundary.
     *
     * @param type the type
     * @param path where it sits, for the message; {@code null} at the top
     * @param onRecord receives every record reached, once per check
     * @return {@code null} when supported, else "PATH is TYPE, which cannot cross..."
     */
    String problem(TypeMirror type, String path, Consumer<TypeElement> onRecord) {
        return problem(type, path, onRecord, new HashSet<>());
    }

    private String problem(TypeMirror type, String path, Consumer<TypeElement> onRecord, Set<String> visiting) {
        Kind kind = kind(type);
        String at = path == null ? "" : path + " ";
        switch (kind) {
            case UNSUPPORTED:
                return unsupported(type, at);
            case RECORD: {
                TypeElement record = element(type);
                String name = record.getQualifiedName().toString();
                if (!record.getTypeParameters().isEmpty()) {
                    return at + "is the generic record " + type + ", which cannot cross a process boundary "
                            + "(records crossing it must not have type parameters)";
                }
                if (!visiting.add(name)) {
                    return null; // a cycle: already being checked further up
                }
                onRecord.accept(record);
                String base = path == null ? record.getSimpleName().toString() : path;
                for (RecordComponentElement component : components(record)) {
                    String p = problem(component.asType(), base + "." + component.getSimpleName(), onRecord, visiting);
                    if (p != null) {
                        return p;
                    }
                }
                return null;
            }
            case LIST:
            case SET:
            case OPTIONAL:
            case MAP: {
                List<? extends TypeMirror> args = arguments(type);
                String container = element(type).getSimpleName().toString();
                if (args.isEmpty()) {
                    return at + "is the raw type " + types.erasure(type) + ", which cannot cross a process boundary "
                            + "(give its type arguments)";
                }
                String base = path == null ? container : path;
                if (kind == Kind.MAP) {
                    String p = element(args.get(0), base + "{key}", onRecord, visiting);
                    return p != null ? p : element(args.get(1), base + "{value}", onRecord, visiting);
                }
                return element(args.get(0), base + (kind == Kind.OPTIONAL ? "?" : "[]"), onRecord, visiting);
            }
            default:
                return null;
        }
    }

    private String element(TypeMirror type, String path, Consumer<TypeElement> onRecord, Set<String> visiting) {
        if (type.getKind() == TypeKind.WILDCARD) {
            return path + " is the wildcard " + type + ", which cannot cross a process boundary (use an exact type)";
        }
        return problem(type, path, onRecord, visiting);
    }

    private String unsupported(TypeMirror type, String at) {
        if (type.getKind() == TypeKind.TYPEVAR) {
            return at + "is the type variable " + type + ", which cannot cross a process boundary "
                    + "(generic types are not supported; use a concrete type)";
        }
        String hint = "";
        TypeElement serializable = elements.getTypeElement("java.io.Serializable");
        if (type.getKind() == TypeKind.DECLARED && serializable != null
                && types.isAssignable(type, serializable.asType())) {
            hint = "; java.io.Serializable does not make a type acceptable";
        }
        return at + "is " + type + ", which cannot cross a process boundary (" + SUPPORTED + hint + ")";
    }
}
