package io.cleave.codegen;

import static io.cleave.codegen.Compiler.compile;
import static io.cleave.codegen.Compiler.source;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every compile-time check fails the build with an error on the element at fault that says what and why. */
class CompileErrorsTest {

    private static final String SUPPORTED = "(supported: primitives, String, records, enums, List/Set/Map/Optional, "
            + "byte[], Instant, Duration, BigDecimal, BigInteger, UUID)";

    /** A component {@code p.Api} with the given methods and an implementation without dependencies. */
    private static JavaFileObject[] api(String imports, String methods) {
        return new JavaFileObject[] {
            source("p.Api", "package p;\n" + imports + "\n@io.cleave.Component public interface Api {\n" + methods + "\n}"),
            // the implementation's missing method bodies are the compiler's business; the checks run first
            source("p.ApiImpl", "package p;\npublic class ApiImpl implements Api {\n public ApiImpl() {}\n}")
        };
    }

    private static List<String> errors(Compilation compilation) {
        return compilation.errors().stream().map(d -> d.getMessage(Locale.ROOT)).toList();
    }

    private static Diagnostic<? extends JavaFileObject> onlyCleaveError(Compilation compilation, String fragment) {
        List<Diagnostic<? extends JavaFileObject>> matching = new java.util.ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : compilation.errors()) {
            if (d.getMessage(Locale.ROOT).contains(fragment)) {
                matching.add(d);
            }
        }
        assertThat(matching).as("errors: %s", errors(compilation)).hasSize(1);
        return matching.get(0);
    }

    @ParameterizedTest(name = "@Component on {0}")
    @CsvSource({
        "class,      public class Bad {}, the class p.Bad",
        "enum,       public enum Bad { A }, the enum p.Bad",
        "record,     public record Bad(int x) {}, the record p.Bad",
        "annotation, public @interface Bad {}, the annotation type p.Bad",
    })
    void componentMustBeAnInterface(String kind, String declaration, String described) {
        Compilation compilation = compile(source("p.Bad", "package p;\n@io.cleave.Component\n" + declaration));

        Diagnostic<? extends JavaFileObject> error = onlyCleaveError(compilation, "@Component is on " + described);
        assertThat(error.getMessage(Locale.ROOT)).contains("it must be on an interface");
        assertThat(error.getLineNumber()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "String on(E e, String id);     | returns java.lang.String, but nobody receives what a subscriber returns",
        "void on(E e);                  | takes 1 parameter; a subscriber is declared as",
        "void on(String e, String id);  | its event parameter 'e' is a java.lang.String, not a record",
        "void on(E e, long id);         | its second parameter 'id' is a long, not the event's id (String)",
    })
    void subscriberMustTakeAnEventRecordAndItsId(String method, String problem) {
        Compilation compilation = compile(api("", "record E(int n) {}\n@io.cleave.Subscribe " + method));

        Diagnostic<? extends JavaFileObject> error = onlyCleaveError(compilation, "@Subscribe method Api.on");
        assertThat(error.getMessage(Locale.ROOT)).contains(problem);
    }

    @Test
    void parameterThatCannotCrossNamesThePathToTheOffendingType() {
        Compilation compilation = compile(
                source("p.Order", "package p;\npublic record Order(String id, java.util.List<Line> lines) {}"),
                source("p.Line", "package p;\npublic record Line(int quantity, Thread product) {}"),
                source("p.CartService", """
                        package p;
                        @io.cleave.Component
                        public interface CartService {
                            void add(Order order);
                        }
                        """),
                source("p.CartServiceImpl", """
                        package p;
                        public class CartServiceImpl implements CartService {
                            public CartServiceImpl() {}
                            public void add(Order order) {}
                        }
                        """));

        Diagnostic<? extends JavaFileObject> error = onlyCleaveError(compilation, "parameter 'order'");
        assertThat(error.getMessage(Locale.ROOT)).isEqualTo("parameter 'order' of CartService.add: "
                + "Order.lines[].product is java.lang.Thread, which cannot cross a process boundary " + SUPPORTED);
        assertThat(error.getLineNumber()).isEqualTo(4);
    }

    @Test
    void methodsWhoseWireIdsCollideAreAnError() {
        // FNV-1a of "m763399()" and of "m1109514()" are both 65b60226
        Compilation compilation = compile(api("", "void m763399();\nvoid m1109514();"));

        Diagnostic<? extends JavaFileObject> error = onlyCleaveError(compilation, "the same wire id");
        assertThat(error.getMessage(Locale.ROOT)).isEqualTo("methods Api.m763399() and Api.m1109514() have the same wire"
                + " id 65b60226 (Wire.methodId of the signature), so a call could not say which it means; rename one");
        assertThat(error.getLineNumber()).isEqualTo(5);
    }

    @Test
    void serializableDoesNotMakeATypeAcceptable() {
        Compilation compilation = compile(api("", "void put(java.util.ArrayList<String> items);"));

        onlyCleaveError(compilation, "parameter 'items' of Api.put is java.util.ArrayList<java.lang.String>, "
                + "which cannot cross a process boundary (supported: primitives, String, records, enums, "
                + "List/Set/Map/Optional, byte[], Instant, Duration, BigDecimal, BigInteger, UUID; "
                + "java.io.Serializable does not make a type acceptable)");
    }

    @Test
    void resultThatCannotCrossIsAnError() {
        Compilation compilation = compile(api("", "java.util.Map<String, Object> snapshot();"));

        onlyCleaveError(compilation, "the result of Api.snapshot: Map{value} is java.lang.Object, which cannot cross "
                + "a process boundary");
    }

    @Test
    void rawCollectionIsAnError() {
        Compilation compilation = compile(api("", "@SuppressWarnings(\"rawtypes\") void put(java.util.List items);"));

        onlyCleaveError(compilation, "parameter 'items' of Api.put is the raw type java.util.List, which cannot cross "
                + "a process boundary (give its type arguments)");
    }

    @Test
    void wildcardIsAnError() {
        Compilation compilation = compile(api("", "void put(java.util.List<? extends Number> items);"));

        onlyCleaveError(compilation, "parameter 'items' of Api.put: List[] is the wildcard ? extends java.lang.Number, "
                + "which cannot cross a process boundary (use an exact type)");
    }

    /** A type-use {@code @Nullable}, as JSpecify's; any annotation of that simple name counts. */
    private static final JavaFileObject TYPE_USE_NULLABLE = source("q.Nullable", """
            package q;
            @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE_USE)
            public @interface Nullable {}
            """);

    /** A declaration {@code @Nullable}, as javax.annotation's. */
    private static final JavaFileObject DECLARATION_NULLABLE = source("r.Nullable", """
            package r;
            @java.lang.annotation.Target({java.lang.annotation.ElementType.METHOD, java.lang.annotation.ElementType.PARAMETER})
            public @interface Nullable {}
            """);

    @Test
    void nullableCollectionParameterIsAnErrorOnTheParameter() {
        JavaFileObject[] api = api("import q.Nullable; import java.util.List;", "void add(@Nullable List<String> items);");

        Compilation compilation = compile(TYPE_USE_NULLABLE, api[0], api[1]);

        Diagnostic<? extends JavaFileObject> error = onlyCleaveError(compilation, "parameter 'items'");
        assertThat(error.getMessage(Locale.ROOT)).isEqualTo("parameter 'items' of Api.add is a @Nullable List, but a"
                + " collection or Optional crossing a component boundary cannot be null (a null would arrive empty):"
                + " take an empty one for none");
        assertThat(error.getLineNumber()).isEqualTo(4);
    }

    @Test
    void nullableOptionalResultIsAnErrorAsADeclarationAnnotationToo() {
        JavaFileObject[] api = api("import r.Nullable;", "@Nullable java.util.Optional<String> find(String id);");

        Compilation compilation = compile(DECLARATION_NULLABLE, api[0], api[1]);

        onlyCleaveError(compilation, "the result of Api.find is a @Nullable Optional, but a collection or Optional crossing"
                + " a component boundary cannot be null (a null would arrive empty): return an empty one for none");
    }

    @Test
    void nullableElementsOfACollectionAreAnErrorAtAnyDepth() {
        JavaFileObject[] api = api("import q.Nullable;",
                "void tag(java.util.Map<String, java.util.List<@Nullable String>> tags);");

        Compilation compilation = compile(TYPE_USE_NULLABLE, api[0], api[1]);

        onlyCleaveError(compilation, "parameter 'tags' of Api.tag is a List with @Nullable elements, but collections"
                + " crossing a component boundary cannot hold null");
    }

    @Test
    void nullableValuesOtherThanCollectionsMayCross() {
        JavaFileObject[] api = api("import q.Nullable;", "@Nullable String rename(@Nullable String name);");

        Compilation compilation = compile(TYPE_USE_NULLABLE, api[0], api[1]);

        assertThat(errors(compilation)).noneMatch(e -> e.contains("@Nullable"));
    }

    @Test
    void genericMethodIsAnError() {
        Compilation compilation = compile(api("", "<T> T echo(T value);"));

        onlyCleaveError(compilation, "method Api.echo is generic (<T>); component methods cannot have type parameters");
    }

    @Test
    void declaredCheckedExceptionNeedsAPublicStringConstructor() {
        Compilation compilation = compile(
                source("p.Oops", """
                        package p;
                        public class Oops extends Exception {
                            private static final long serialVersionUID = 1L;
                            public Oops(int code) { super("code " + code); }
                        }
                        """),
                api("", "void run() throws Oops, IllegalStateException;")[0],
                api("", "")[1]);

        onlyCleaveError(compilation, "exception p.Oops declared by Api.run cannot cross a process boundary: it has no "
                + "public constructor taking a String message, which the caller's side uses to recreate it; add "
                + "public Oops(String message)");
    }

    @Test
    void recordFieldIdCollisionNamesBothFieldsAndSuggestsRenaming() {
        // field2503 and field3434 hash to the same id (185187) under Wire.fieldId
        Compilation compilation = compile(
                source("p.Clash", "package p;\npublic record Clash(int field2503, String field3434) {}"),
                api("", "void put(Clash clash);")[0], api("", "")[1]);

        Diagnostic<? extends JavaFileObject> error = onlyCleaveError(compilation, "record Clash");
        assertThat(error.getMessage(Locale.ROOT)).isEqualTo("record Clash: fields 'field2503' and 'field3434' have the "
                + "same wire id 185187 (io.cleave.spi.Wire.fieldId of their names); rename one of them");
        assertThat(error.getSource().getName()).endsWith("Clash.java");
    }

    @Test
    void moreThanOneKeyParameterIsAnError() {
        Compilation compilation = compile(api("import io.cleave.Key;", "int get(@Key String a, @Key String b);"));

        onlyCleaveError(compilation, "method Api.get has more than one @Key parameter ('a' and 'b'); a call routes by at "
                + "most one key");
    }

    @Test
    void componentWithoutImplementationIsAnError() {
        Compilation compilation = compile(source("p.Lonely", "package p;\n@io.cleave.Component public interface Lonely {}"));

        onlyCleaveError(compilation, "component Lonely has no implementation: add a non-abstract class implementing "
                + "Lonely to this compilation");
    }

    @Test
    void componentWithTwoImplementationsNamesBoth() {
        Compilation compilation = compile(
                source("p.Twice", "package p;\n@io.cleave.Component public interface Twice {}"),
                source("p.One", "package p;\npublic class One implements Twice { public One() {} }"),
                source("p.Two", "package p;\npublic class Two implements Twice { public Two() {} }"));

        onlyCleaveError(compilation, "component Twice has 2 implementations (p.One, p.Two); exactly one class may "
                + "implement a component");
    }

    @Test
    void implementationNeedsExactlyOnePublicConstructor() {
        Compilation compilation = compile(
                source("p.Svc", "package p;\n@io.cleave.Component public interface Svc {}"),
                source("p.SvcImpl", "package p;\npublic class SvcImpl implements Svc { public SvcImpl() {} "
                        + "public SvcImpl(Svc other) {} }"));

        onlyCleaveError(compilation, "implementation SvcImpl of Svc has 2 public constructors; it must have exactly one");
    }

    @Test
    void constructorParameterTheRuntimeCannotSupplyIsAnError() {
        Compilation compilation = compile(
                source("p.Svc", "package p;\n@io.cleave.Component public interface Svc {}"),
                source("p.SvcImpl", "package p;\npublic class SvcImpl implements Svc { public SvcImpl(String name) {} }"));

        Diagnostic<? extends JavaFileObject> error = onlyCleaveError(compilation, "parameter 'name'");
        assertThat(error.getMessage(Locale.ROOT)).isEqualTo("parameter 'name' of SvcImpl's constructor is "
                + "java.lang.String, which the runtime cannot supply (valid: a @Component interface, "
                + "io.cleave.Ref<a @Component interface>, one config record, java.time.Clock, "
                + "java.lang.System.Logger, or an interface annotated @io.cleave.RuntimeService)");
    }

    @Test
    void secondConfigRecordIsAnError() {
        Compilation compilation = compile(
                source("p.Svc", "package p;\n@io.cleave.Component public interface Svc {}"),
                source("p.A", "package p;\npublic record A(int x) {}"),
                source("p.B", "package p;\npublic record B(int y) {}"),
                source("p.SvcImpl", "package p;\npublic class SvcImpl implements Svc { public SvcImpl(A a, B b) {} }"));

        onlyCleaveError(compilation, "parameter 'b' of SvcImpl's constructor is a second record type (p.B); a component "
                + "takes at most one config record, and 'a' (p.A) is already it");
    }

    @Test
    void configRecordFieldOfUnsupportedTypeIsAnError() {
        Compilation compilation = compile(
                source("p.Svc", "package p;\n@io.cleave.Component public interface Svc {}"),
                source("p.Settings", "package p;\npublic record Settings(int port, java.util.Map<String, String> extra) {}"),
                source("p.SvcImpl", "package p;\npublic class SvcImpl implements Svc { public SvcImpl(Settings settings) {} }"));

        onlyCleaveError(compilation, "parameter 'settings' of SvcImpl's constructor: config record Settings has field "
                + "'extra' of type java.util.Map<java.lang.String,java.lang.String>, which configuration cannot hold "
                + "(valid: primitives and their boxes, String, java.time.Duration, enums, List<String>)");
    }

    @Test
    void refToSomethingOtherThanAComponentIsAnError() {
        Compilation compilation = compile(
                source("p.Svc", "package p;\n@io.cleave.Component public interface Svc {}"),
                source("p.SvcImpl", "package p;\npublic class SvcImpl implements Svc { "
                        + "public SvcImpl(io.cleave.Ref<Runnable> later) {} }"));

        onlyCleaveError(compilation, "parameter 'later' of SvcImpl's constructor is io.cleave.Ref<java.lang.Runnable>; "
                + "a Ref must name a @Component interface");
    }

    @Test
    void aGenericRuntimeServicesTypeArgumentMustBeAValueTheRuntimeCanStore() {
        Compilation compilation = compile(
                source("p.Svc", "package p;\n@io.cleave.Component public interface Svc {}"),
                source("p.SvcImpl", "package p;\npublic class SvcImpl implements Svc { "
                        + "public SvcImpl(io.cleave.Saga<Thread> saga) {} }"));

        onlyCleaveError(compilation, "parameter 'saga' of SvcImpl's constructor is io.cleave.Saga<java.lang.Thread>: its "
                + "type argument java.lang.Thread is what the runtime stores, and it is java.lang.Thread, which cannot cross a"
                + " process boundary");
    }

    @Test
    void aRawGenericRuntimeServiceIsAnError() {
        Compilation compilation = compile(
                source("p.Svc", "package p;\n@io.cleave.Component public interface Svc {}"),
                source("p.SvcImpl", "package p;\npublic class SvcImpl implements Svc { "
                        + "@SuppressWarnings(\"rawtypes\") public SvcImpl(io.cleave.Saga saga) {} }"));

        onlyCleaveError(compilation, "parameter 'saga' of SvcImpl's constructor is the raw type io.cleave.Saga; give its "
                + "type arguments, as in Saga<S>");
    }

    private static JavaFileObject[] recommendations(String fallbacks) {
        return new JavaFileObject[] {
            source("p.Recs", "package p;\n@io.cleave.Component public interface Recs {\n"
                    + "@io.cleave.Fallback(\"none\") java.util.List<String> together(String product, int limit);\n"
                    + fallbacks + "\n}"),
            source("p.RecsImpl", "package p;\npublic class RecsImpl implements Recs { public RecsImpl() {} "
                    + "public java.util.List<String> together(String product, int limit) { return java.util.List.of(); } }")};
    }

    @Test
    void aFallbackMustNameAMethodOfTheComponentWithTheCallsParameters() {
        Compilation compilation = compile(recommendations("static java.util.List<String> none(String product) { return java.util.List.of(); }"));

        onlyCleaveError(compilation, "@Fallback(\"none\") on Recs.together: Recs has no method none(java.lang.String, int)"
                + " (it has none with other parameters); declare static java.util.List<java.lang.String>"
                + " none(java.lang.String, int) in Recs");
    }

    @Test
    void aFallbackMustBeStatic() {
        Compilation compilation = compile(recommendations("default java.util.List<String> none(String product, int limit) { return java.util.List.of(); }"));

        onlyCleaveError(compilation, "@Fallback(\"none\") on Recs.together: Recs.none must be static: a fallback runs in the"
                + " caller's process, where there is no instance of the component");
    }

    @Test
    void aFallbackMustReturnWhatTheCallReturns() {
        Compilation compilation = compile(recommendations("static String none(String product, int limit) { return \"\"; }"));

        onlyCleaveError(compilation, "@Fallback(\"none\") on Recs.together: none returns java.lang.String, which together"
                + " cannot return (it returns java.util.List<java.lang.String>)");
    }

    @Test
    void aFallbackMayNotThrowWhatTheCallDoesNotDeclare() {
        Compilation compilation = compile(recommendations(
                "static java.util.List<String> none(String product, int limit) throws java.io.IOException { return java.util.List.of(); }"));

        onlyCleaveError(compilation, "@Fallback(\"none\") on Recs.together: none throws java.io.IOException, which together"
                + " does not declare");
    }
}
