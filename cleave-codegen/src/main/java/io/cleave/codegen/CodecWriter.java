package io.cleave.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.cleave.codegen.ValueTypes.Kind;
import io.cleave.spi.Wire;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * Generates {@code R_Codec} for a record {@code R}, and codec expressions for any supported type.
 */
final class CodecWriter {

    static final ClassName CODEC = ClassName.get("io.cleave.spi", "Codec");
    static final ClassName CODECS = ClassName.get("io.cleave.spi", "Codecs");
    static final ClassName CODEC_EXCEPTION = ClassName.get("io.cleave.spi", "CodecException");
    static final ClassName WIRE = ClassName.get("io.cleave.spi", "Wire");
    static final ClassName WRITER = ClassName.get("io.cleave.spi", "Writer");
    static final ClassName READER = ClassName.get("io.cleave.spi", "Reader");
    static final AnnotationSpec GENERATED = AnnotationSpec.builder(
            ClassName.get("javax.annotation.processing", "Generated"))
            .addMember("value", "$S", CleaveProcessor.class.getName()).build();

    private final ValueTypes valueTypes;
    private final Elements elements;

    CodecWriter(ValueTypes valueTypes, Elements elements) {
        this.valueTypes = valueTypes;
        this.elements = elements;
    }

    /** {@code p.Outer.Inner} becomes {@code p.Outer_Inner<suffix>}. */
    static ClassName sibling(TypeElement type, String suffix) {
        ClassName name = ClassName.get(type);
        return ClassName.get(name.packageName(), String.join("_", name.simpleNames()) + suffix);
    }

    static ClassName codecOf(TypeElement record) {
        return sibling(record, "_Codec");
    }

    /** An expression for the codec of a supported type, to evaluate once. */
    CodeBlock codec(TypeMirror type) {
        Kind kind = valueTypes.kind(type);
        return switch (kind) {
            case BOOLEAN, BYTE, SHORT, CHAR, INT, LONG, FLOAT, DOUBLE, STRING, INSTANT, DURATION, BIG_DECIMAL,
                    BIG_INTEGER -> CodeBlock.of("$T.$L", CODECS, kind.name());
            case BYTES -> CodeBlock.of("$T.BYTES", CODECS);
            case UUID -> CodeBlock.of("$T.UUID_CODEC", CODECS);
            case ENUM -> CodeBlock.of("$T.enumOf($T.class)", CODECS, TypeName.get(valueTypes.types().erasure(type)));
            case RECORD -> CodeBlock.of("$T.INSTANCE", codecOf(ValueTypes.element(type)));
            case LIST -> CodeBlock.of("$T.list($L)", CODECS, codec(ValueTypes.arguments(type).get(0)));
            case SET -> CodeBlock.of("$T.set($L)", CODECS, codec(ValueTypes.arguments(type).get(0)));
            case OPTIONAL -> CodeBlock.of("$T.optional($L)", CODECS, codec(ValueTypes.arguments(type).get(0)));
            case MAP -> CodeBlock.of("$T.map($L, $L)", CODECS, codec(ValueTypes.arguments(type).get(0)),
                    codec(ValueTypes.arguments(type).get(1)));
            case UNSUPPORTED -> throw new IllegalArgumentException("unsupported type " + type);
        };
    }

    /** The boxed Java type of a codec for {@code type}. */
    static TypeName boxed(TypeMirror type) {
        return TypeName.get(type).box();
    }

    private static boolean hoisted(Kind kind) {
        return switch (kind) {
            case ENUM, LIST, SET, MAP, OPTIONAL -> true;
            default -> false;
        };
    }

    private static String codecField(String component) {
        return "C_" + component;
    }

    private static String local(String component) {
        return "v_" + component;
    }

    /** Generates the codec of one record. */
    JavaFile write(TypeElement record) {
        ClassName recordName = ClassName.get(record);
        ClassName self = codecOf(record);
        String owner = record.getQualifiedName().toString();
        List<? extends RecordComponentElement> components = ValueTypes.components(record);

        TypeSpec.Builder type = TypeSpec.classBuilder(self)
                .addJavadoc("Encodes and decodes {@link $T} in Cleave's wire format; field ids derive from names.\n",
                        recordName)
                .addAnnotation(GENERATED)
                .addOriginatingElement(record)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(ParameterizedTypeName.get(CODEC, recordName))
                .addField(FieldSpec.builder(self, "INSTANCE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("The codec.\n")
                        .initializer("new $T()", self).build());
        // Container and enum codecs are built once here, after INSTANCE, so recursive records
        // see an initialised INSTANCE.
        for (RecordComponentElement component : components) {
            TypeMirror t = component.asType();
            if (hoisted(valueTypes.kind(t))) {
                type.addField(FieldSpec.builder(ParameterizedTypeName.get(CODEC, boxed(t)),
                        codecField(component.getSimpleName().toString()), Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL).initializer(codec(t)).build());
            }
        }
        type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        type.addMethod(MethodSpec.methodBuilder("wireType").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(int.class).addStatement("return $T.LEN", WIRE).build());
        type.addMethod(MethodSpec.methodBuilder("write").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).addParameter(WRITER, "out").addParameter(recordName, "value")
                .addStatement("encode(out, value)").build());
        type.addMethod(MethodSpec.methodBuilder("read").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(recordName).addParameter(READER, "in")
                .addStatement("return decode(in)").build());

        CodeBlock.Builder encode = CodeBlock.builder().addStatement("int mark_ = out.beginLen()");
        for (RecordComponentElement component : components) {
            encode.add(encodeField(component));
        }
        encode.addStatement("out.endLen(mark_)");
        type.addMethod(MethodSpec.methodBuilder("encode")
                .addJavadoc("Writes a record as a length-delimited value; null fields are left out.\n\n"
                        + "@param out the destination\n@param value the record, not null\n")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(WRITER, "out").addParameter(recordName, "value").addCode(encode.build()).build());

        type.addMethod(nullInside(recordName, components));

        CodeBlock.Builder decode = CodeBlock.builder().addStatement("int limit_ = in.beginLen()");
        for (RecordComponentElement component : components) {
            TypeMirror t = component.asType();
            decode.addStatement("$T $L = $L", TypeName.get(t), local(component.getSimpleName().toString()),
                    absent(t));
        }
        // Switching on the whole tag reads a field of the expected wire type in one step; a
        // known field of another wire type is rejected on the way to skipping unknown ones.
        decode.beginControlFlow("while (in.hasMore())")
                .addStatement("int tag_ = in.readTag()")
                .beginControlFlow("switch (tag_)");
        for (RecordComponentElement component : components) {
            String name = component.getSimpleName().toString();
            String wire = ValueTypes.wireType(valueTypes.kind(component.asType()));
            decode.addStatement("case $L -> $L = $L", tagOf(name, wire), local(name), readExpression(component));
        }
        decode.add("default -> {\n").indent().beginControlFlow("switch ($T.fieldOf(tag_))", WIRE);
        for (RecordComponentElement component : components) {
            String name = component.getSimpleName().toString();
            String wire = ValueTypes.wireType(valueTypes.kind(component.asType()));
            decode.addStatement("case $L -> throw in.wrongType($S, $S, $T.$L, $T.wireTypeOf(tag_))",
                    Wire.fieldId(name), owner, name, WIRE, wire, WIRE);
        }
        decode.addStatement("default -> in.skip($T.wireTypeOf(tag_))", WIRE)
                .endControlFlow()
                .unindent().add("}\n")
                .endControlFlow()
                .endControlFlow()
                .addStatement("in.endLen(limit_)");
        CodeBlock arguments = components.stream()
                .map(c -> CodeBlock.of("$L", local(c.getSimpleName().toString())))
                .collect(CodeBlock.joining(", "));
        decode.beginControlFlow("try")
                .addStatement("return new $T($L)", recordName, arguments)
                .nextControlFlow("catch ($T e_)", RuntimeException.class)
                .addStatement("throw new $T($S + e_ + $S + in.position())", CODEC_EXCEPTION,
                        owner + " rejected the decoded fields: ", " at byte ")
                .endControlFlow();
        type.addMethod(MethodSpec.methodBuilder("decode")
                .addJavadoc("Reads a record written by {@link #encode}; absent fields take their default "
                        + "(0, false, empty, or null) and unknown fields are skipped.\n\n"
                        + "@param in the source, positioned at the record\n@return the record\n"
                        + "@throws $T if the input is malformed\n", CODEC_EXCEPTION)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(recordName)
                .addParameter(READER, "in").addCode(decode.build()).build());

        return JavaFile.builder(self.packageName(), type.build()).skipJavaLangImports(true).build();
    }

    /**
     * {@code nullInside}: a collection or {@code Optional} field that is null (it would arrive
     * empty), or a null inside a collection or record field, as a path from the record such as
     * {@code ".lines[0].tags"}.
     */
    private MethodSpec nullInside(ClassName recordName, List<? extends RecordComponentElement> components) {
        ParameterizedTypeName optionalString = ParameterizedTypeName.get(Optional.class, String.class);
        CodeBlock.Builder body = CodeBlock.builder();
        boolean declared = false;
        for (RecordComponentElement component : components) {
            String name = component.getSimpleName().toString();
            TypeMirror t = component.asType();
            Kind kind = valueTypes.kind(t);
            boolean container = hoisted(kind) && kind != Kind.ENUM;
            if (!container && kind != Kind.RECORD) {
                continue;
            }
            if (!declared) {
                body.addStatement("$T inside_", optionalString);
                declared = true;
            }
            String local = local(name);
            body.addStatement("$T $L = value.$L()", TypeName.get(t), local, name);
            if (container) {
                body.beginControlFlow("if ($L == null)", local)
                        .addStatement("return $T.of($S)", Optional.class, "." + name)
                        .endControlFlow()
                        .addStatement("inside_ = $L.nullInside($L)", codecField(name), local);
            } else {
                body.addStatement("inside_ = $L == null ? $T.empty() : $T.INSTANCE.nullInside($L)", local, Optional.class,
                        codecOf(ValueTypes.element(t)), local);
            }
            body.beginControlFlow("if (inside_.isPresent())")
                    .addStatement("return inside_.map($S::concat)", "." + name)
                    .endControlFlow();
        }
        body.addStatement("return $T.empty()", Optional.class);
        return MethodSpec.methodBuilder("nullInside").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(optionalString).addParameter(recordName, "value")
                .addCode(body.build()).build();
    }

    /** The tag of a field as a literal, so that the decoder can switch on it. */
    private static int tagOf(String name, String wireType) {
        int wire = switch (wireType) {
            case "VARINT" -> Wire.VARINT;
            case "FIXED64" -> Wire.FIXED64;
            case "LEN" -> Wire.LEN;
            case "FIXED32" -> Wire.FIXED32;
            default -> throw new IllegalArgumentException("unknown wire type " + wireType);
        };
        return Wire.tag(Wire.fieldId(name), wire);
    }

    private CodeBlock encodeField(RecordComponentElement component) {
        String name = component.getSimpleName().toString();
        TypeMirror t = component.asType();
        Kind kind = valueTypes.kind(t);
        int id = Wire.fieldId(name);
        if (t.getKind().isPrimitive()) {
            return CodeBlock.builder()
                    .addStatement("out.writeTag($L, $T.$L)", id, WIRE, ValueTypes.wireType(kind))
                    .addStatement(writeStatement(kind, CodeBlock.of("value.$L()", name), name, t))
                    .build();
        }
        String local = local(name);
        return CodeBlock.builder()
                .addStatement("$T $L = value.$L()", TypeName.get(t), local, name)
                .beginControlFlow("if ($L != null)", local)
                .addStatement("out.writeTag($L, $T.$L)", id, WIRE, ValueTypes.wireType(kind))
                .addStatement(writeStatement(kind, CodeBlock.of("$L", local), name, t))
                .endControlFlow()
                .build();
    }

    private CodeBlock writeStatement(Kind kind, CodeBlock v, String name, TypeMirror t) {
        return switch (kind) {
            case BOOLEAN -> CodeBlock.of("out.writeRawByte($L ? 1 : 0)", v);
            case BYTE, SHORT, INT -> CodeBlock.of("out.writeSInt32($L)", v);
            case CHAR -> CodeBlock.of("out.writeVarint32($L)", v);
            case LONG -> CodeBlock.of("out.writeSInt64($L)", v);
            case FLOAT -> CodeBlock.of("out.writeFixed32($T.floatToRawIntBits($L))", Float.class, v);
            case DOUBLE -> CodeBlock.of("out.writeFixed64($T.doubleToRawLongBits($L))", Double.class, v);
            case STRING -> CodeBlock.of("out.writeString($L)", v);
            case BYTES -> CodeBlock.of("out.writeBytes($L)", v);
            case INSTANT, DURATION, BIG_DECIMAL, BIG_INTEGER -> CodeBlock.of("$T.$L.write(out, $L)", CODECS,
                    kind.name(), v);
            case UUID -> CodeBlock.of("$T.UUID_CODEC.write(out, $L)", CODECS, v);
            case RECORD -> CodeBlock.of("$T.encode(out, $L)", codecOf(ValueTypes.element(t)), v);
            case ENUM, LIST, SET, MAP, OPTIONAL -> CodeBlock.of("$L.write(out, $L)", codecField(name), v);
            case UNSUPPORTED -> throw new IllegalArgumentException("unsupported field " + name);
        };
    }

    private CodeBlock readExpression(RecordComponentElement component) {
        String name = component.getSimpleName().toString();
        TypeMirror t = component.asType();
        Kind kind = valueTypes.kind(t);
        return switch (kind) {
            case BOOLEAN -> CodeBlock.of("in.readVarint64() != 0");
            case BYTE -> CodeBlock.of("(byte) in.readSInt32()");
            case SHORT -> CodeBlock.of("(short) in.readSInt32()");
            case INT -> CodeBlock.of("in.readSInt32()");
            case CHAR -> CodeBlock.of("(char) in.readVarint32()");
            case LONG -> CodeBlock.of("in.readSInt64()");
            case FLOAT -> CodeBlock.of("$T.intBitsToFloat(in.readFixed32())", Float.class);
            case DOUBLE -> CodeBlock.of("$T.longBitsToDouble(in.readFixed64())", Double.class);
            case STRING -> CodeBlock.of("in.readString()");
            case BYTES -> CodeBlock.of("in.readBytes()");
            case INSTANT, DURATION, BIG_DECIMAL, BIG_INTEGER -> CodeBlock.of("$T.$L.read(in)", CODECS, kind.name());
            case UUID -> CodeBlock.of("$T.UUID_CODEC.read(in)", CODECS);
            case RECORD -> CodeBlock.of("$T.decode(in)", codecOf(ValueTypes.element(t)));
            case ENUM, LIST, SET, MAP, OPTIONAL -> CodeBlock.of("$L.read(in)", codecField(name));
            case UNSUPPORTED -> throw new IllegalArgumentException("unsupported field " + name);
        };
    }

    private CodeBlock absent(TypeMirror t) {
        if (t.getKind().isPrimitive()) {
            return switch (t.getKind()) {
                case BOOLEAN -> CodeBlock.of("false");
                case CHAR -> CodeBlock.of("(char) 0");
                case BYTE -> CodeBlock.of("(byte) 0");
                case SHORT -> CodeBlock.of("(short) 0");
                case LONG -> CodeBlock.of("0L");
                case FLOAT -> CodeBlock.of("0f");
                case DOUBLE -> CodeBlock.of("0d");
                default -> CodeBlock.of("0");
            };
        }
        return switch (valueTypes.kind(t)) {
            case LIST -> CodeBlock.of("$T.of()", List.class);
            case SET -> CodeBlock.of("$T.of()", java.util.Set.class);
            case MAP -> CodeBlock.of("$T.of()", java.util.Map.class);
            case OPTIONAL -> CodeBlock.of("$T.empty()", java.util.Optional.class);
            default -> CodeBlock.of("null");
        };
    }

    Elements elements() {
        return elements;
    }
}
