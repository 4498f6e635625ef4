package io.cleave.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import io.cleave.codegen.ComponentModel.DependencyKind;
import io.cleave.codegen.ComponentModel.DependencyModel;
import io.cleave.codegen.ComponentModel.MethodModel;
import io.cleave.spi.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;
import javax.tools.StandardLocation;

/**
 * The Cleave annotation processor. For every {@code @io.cleave.Component} interface it checks,
 * at compile time, that the component can be distributed (every value crossing its boundary is
 * encodable, it has exactly one implementation whose constructor the runtime can satisfy), and
 * generates:
 *
 * <ul>
 *   <li>{@code Iface_Cleave}: the {@code ComponentDescriptor} with its factory, stub, dispatcher,
 *       method descriptors and config binder;
 *   <li>{@code Rec_Codec} for every record reachable from a component method;
 *   <li>{@code Cleave_Registry} per package with components, and the service file
 *       {@code META-INF/services/io.cleave.spi.Registry} listing them.
 * </ul>
 *
 * <p>Methods of a component are its abstract methods, declared or inherited from
 * superinterfaces; default and static methods are not remoted (a default method runs in the
 * caller and reaches the component through the abstract ones). Every problem is reported as a
 * compiler error on the element at fault.
 */
public final class CleaveProcessor extends AbstractProcessor {

    static final String COMPONENT = "io.cleave.Component";
    static final String RUNTIME_SERVICE = "io.cleave.RuntimeService";
    private static final String VALID_DEPENDENCIES = "a @Component interface, io.cleave.Ref<a @Component interface>, "
            + "one config record, java.time.Clock, java.lang.System.Logger, "
            + "or an interface annotated @io.cleave.RuntimeService";
    private static final String VALID_CONFIG = "primitives and their boxes, String, java.time.Duration, enums, "
            + "List<String>";

    private Elements elements;
    private Types types;
    private Messager messager;
    private ValueTypes valueTypes;
    private CodecWriter codecWriter;
    private ComponentWriter componentWriter;
    private ContractWriter contractWriter;

    /** Qualified names of every class seen in any round: where implementations are looked for. */
    private final Set<String> classes = new LinkedHashSet<>();
    private final Set<String> generatedCodecs = new HashSet<>();
    private final Set<String> reportedRecords = new HashSet<>();
    private final Map<String, List<ClassName>> pendingRegistries = new TreeMap<>();
    private final Set<String> registries = new TreeSet<>();

    /** Creates the processor; the compiler calls this through {@link java.util.ServiceLoader}. */
    public CleaveProcessor() {
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        elements = env.getElementUtils();
        types = env.getTypeUtils();
        messager = env.getMessager();
        valueTypes = new ValueTypes(elements, types);
        codecWriter = new CodecWriter(valueTypes, elements);
        componentWriter = new ComponentWriter(valueTypes, codecWriter, types);
        contractWriter = new ContractWriter(types);
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(COMPONENT);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (round.processingOver()) {
            writeServiceFile();
            return false;
        }
        for (Element root : round.getRootElements()) {
            collectClasses(root);
        }
        TypeElement annotation = elements.getTypeElement(COMPONENT);
        Set<? extends Element> annotated = annotation == null ? Set.of() : round.getElementsAnnotatedWith(annotation);
        if (annotated.isEmpty()) {
            // Components are generated; this round compiles what was generated. Registries are
            // written now, when every component of their package is known.
            writeRegistries();
            return false;
        }
        for (Element element : annotated) {
            if (element.getKind() != ElementKind.INTERFACE) {
                error(element, "@Component is on " + describeKind(element) + " " + element
                        + "; it must be on an interface (the component's contract), implemented by a class");
                continue;
            }
            TypeElement type = (TypeElement) element;
            Optional<ComponentModel> model = check(type);
            model.ifPresent(this::generate);
        }
        return false;
    }

    private void collectClasses(Element element) {
        if (element.getKind() == ElementKind.CLASS && !isGenerated(element)) {
            classes.add(((TypeElement) element).getQualifiedName().toString());
        }
        for (Element enclosed : element.getEnclosedElements()) {
            if (enclosed instanceof TypeElement) {
                collectClasses(enclosed);
            }
        }
    }

    private static boolean isGenerated(Element element) {
        for (Element e = element; e != null && e.getKind() != ElementKind.PACKAGE; e = e.getEnclosingElement()) {
            for (AnnotationMirror mirror : e.getAnnotationMirrors()) {
                if (mirror.getAnnotationType().toString().equals("javax.annotation.processing.Generated")
                        && mirror.getElementValues().values().stream()
                        .anyMatch(v -> v.toString().contains(CleaveProcessor.class.getName()))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String describeKind(Element element) {
        return switch (element.getKind()) {
            case CLASS -> "the class";
            case ENUM -> "the enum";
            case RECORD -> "the record";
            case ANNOTATION_TYPE -> "the annotation type";
            default -> "the " + element.getKind().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    // ---------------------------------------------------------------- checks

    private Optional<ComponentModel> check(TypeElement type) {
        boolean ok = true;
        String simple = type.getSimpleName().toString();
        if (!type.getTypeParameters().isEmpty()) {
            error(type, "component " + simple + " is generic; a component interface cannot have type parameters");
            return Optional.empty();
        }
        if (type.getModifiers().contains(Modifier.PRIVATE)) {
            error(type, "component " + simple + " is private; generated code in its package must reach it");
            return Optional.empty();
        }
        List<MethodModel> methods = new ArrayList<>();
        Set<TypeElement> records = new LinkedHashSet<>();
        for (ExecutableElement method : methodsOf(type)) {
            Optional<MethodModel> m = checkMethod(type, method, records);
            if (m.isPresent()) {
                methods.add(m.get());
            } else {
                ok = false;
            }
        }
        ok &= checkMethodIds(type, methods);
        for (TypeElement record : records) {
            ok &= checkRecord(record);
        }
        Optional<TypeElement> implementation = implementationOf(type);
        List<DependencyModel> dependencies = new ArrayList<>();
        if (implementation.isEmpty()) {
            ok = false;
        } else {
            Optional<List<DependencyModel>> deps = checkImplementation(type, implementation.get(), records);
            if (deps.isEmpty()) {
                ok = false;
            } else {
                dependencies = deps.get();
            }
        }
        if (!ok) {
            return Optional.empty();
        }
        for (TypeElement record : records) {
            generateCodec(record);
        }
        return Optional.of(new ComponentModel(type, componentName(type), implementation.get(), dependencies,
                methods));
    }

    private String componentName(TypeElement type) {
        for (AnnotationMirror mirror : type.getAnnotationMirrors()) {
            if (mirror.getAnnotationType().toString().equals(COMPONENT)) {
                for (var entry : mirror.getElementValues().entrySet()) {
                    if (entry.getKey().getSimpleName().contentEquals("name")) {
                        String name = entry.getValue().getValue().toString();
                        if (!name.isEmpty()) {
                            return name;
                        }
                    }
                }
            }
        }
        return type.getSimpleName().toString();
    }

    /** The abstract methods of the interface and its superinterfaces, declared ones first. */
    private List<ExecutableElement> methodsOf(TypeElement type) {
        List<ExecutableElement> result = new ArrayList<>();
        collectMethods(type, (DeclaredType) type.asType(), new HashSet<>(), new HashSet<>(), result);
        return result;
    }

    private void collectMethods(TypeElement current, DeclaredType component, Set<String> signatures,
            Set<String> visitedTypes, List<ExecutableElement> result) {
        if (!visitedTypes.add(current.getQualifiedName().toString())) {
            return;
        }
        for (ExecutableElement method : ElementFilter.methodsIn(current.getEnclosedElements())) {
            Set<Modifier> modifiers = method.getModifiers();
            if (modifiers.contains(Modifier.STATIC) || modifiers.contains(Modifier.PRIVATE)) {
                continue;
            }
            ExecutableType resolved = (ExecutableType) types.asMemberOf(component, method);
            StringBuilder signature = new StringBuilder(method.getSimpleName()).append('(');
            for (TypeMirror p : resolved.getParameterTypes()) {
                signature.append(types.erasure(p)).append(',');
            }
            if (!signatures.add(signature.toString())) {
                continue; // overridden further down the hierarchy
            }
            if (modifiers.contains(Modifier.ABSTRACT) && !isObjectMethod(signature.toString())) {
                result.add(method);
            }
        }
        for (TypeMirror superinterface : current.getInterfaces()) {
            collectMethods(ValueTypes.element(superinterface), component, signatures, visitedTypes, result);
        }
    }

    private static boolean isObjectMethod(String signature) {
        return signature.equals("toString(") || signature.equals("hashCode(")
                || signature.equals("equals(java.lang.Object,");
    }

    private Optional<MethodModel> checkMethod(TypeElement type, ExecutableElement method, Set<TypeElement> records) {
        String where = type.getSimpleName() + "." + method.getSimpleName();
        if (!method.getTypeParameters().isEmpty()) {
            error(method, "method " + where + " is generic (<" + method.getTypeParameters().stream()
                    .map(Object::toString).collect(java.util.stream.Collectors.joining(", ")) + ">); component methods cannot have type parameters, since values crossing a process "
                    + "boundary need concrete types");
            return Optional.empty();
        }
        boolean ok = true;
        ExecutableType resolved = (ExecutableType) types.asMemberOf((DeclaredType) type.asType(), method);
        List<? extends VariableElement> parameters = method.getParameters();
        int key = -1;
        for (int i = 0; i < parameters.size(); i++) {
            VariableElement parameter = parameters.get(i);
            if (hasAnnotation(parameter, "io.cleave.Key")) {
                if (key >= 0) {
                    error(parameter, "method " + where + " has more than one @Key parameter ('"
                            + parameters.get(key).getSimpleName() + "' and '" + parameter.getSimpleName()
                            + "'); a call routes by at most one key");
                    ok = false;
                } else {
                    key = i;
                }
            }
            String problem = valueTypes.problem(resolved.getParameterTypes().get(i), null, records::add);
            if (problem == null) {
                problem = nullableProblem(parameter, parameter.asType(), "take");
            }
            if (problem != null) {
                error(parameter, join("parameter '" + parameter.getSimpleName() + "' of " + where, problem));
                ok = false;
            }
        }
        TypeMirror result = resolved.getReturnType();
        if (result.getKind() != TypeKind.VOID) {
            String problem = valueTypes.problem(result, null, records::add);
            if (problem == null) {
                problem = nullableProblem(method, method.getReturnType(), "return");
            }
            if (problem != null) {
                error(method, join("the result of " + where, problem));
                ok = false;
            }
        }
        List<TypeMirror> exceptions = new ArrayList<>();
        for (TypeMirror thrown : resolved.getThrownTypes()) {
            Optional<String> problem = exceptionProblem(thrown);
            if (problem.isPresent()) {
                error(method, "exception " + thrown + " declared by " + where + " " + problem.get());
                ok = false;
            } else if (isChecked(thrown)) {
                exceptions.add(thrown);
            }
        }
        if (hasAnnotation(method, "io.cleave.Subscribe")) {
            ok &= checkSubscriber(where, method, resolved);
        }
        Optional<ExecutableElement> fallback = Optional.empty();
        Optional<String> fallbackName = annotationValue(method, "io.cleave.Fallback");
        if (fallbackName.isPresent()) {
            fallback = checkFallback(type, method, resolved, fallbackName.get());
            ok &= fallback.isPresent();
        }
        if (!ok) {
            return Optional.empty();
        }
        return Optional.of(new MethodModel(method, resolved, hasAnnotation(method, "io.cleave.Idempotent"), key,
                exceptions, fallback, signature(method, resolved)));
    }

    /** The method's name and erased parameter types: {@code add(java.lang.String,java.util.List,int)}. */
    private String signature(ExecutableElement method, ExecutableType resolved) {
        StringBuilder b = new StringBuilder(method.getSimpleName()).append('(');
        List<? extends TypeMirror> parameters = resolved.getParameterTypes();
        for (int i = 0; i < parameters.size(); i++) {
            b.append(i == 0 ? "" : ",").append(erasedName(parameters.get(i)));
        }
        return b.append(')').toString();
    }

    /** A type's erasure by its qualified name, without type-use annotations. */
    private String erasedName(TypeMirror type) {
        TypeMirror erased = types.erasure(type);
        return switch (erased.getKind()) {
            case DECLARED -> ((TypeElement) types.asElement(erased)).getQualifiedName().toString();
            case ARRAY -> erasedName(((javax.lang.model.type.ArrayType) erased).getComponentType()) + "[]";
            default -> erased.getKind().isPrimitive() ? erased.getKind().name().toLowerCase(java.util.Locale.ROOT)
                    : erased.toString();
        };
    }

    /** Two methods whose wire ids collide: a call could not say which it means. */
    private boolean checkMethodIds(TypeElement type, List<MethodModel> methods) {
        Map<Integer, MethodModel> byId = new HashMap<>();
        boolean ok = true;
        for (MethodModel m : methods) {
            MethodModel previous = byId.putIfAbsent(Wire.methodId(m.signature()), m);
            if (previous != null) {
                error(m.element(), "methods " + type.getSimpleName() + "." + previous.signature() + " and "
                        + type.getSimpleName() + "." + m.signature() + " have the same wire id "
                        + String.format("%08x", Wire.methodId(m.signature()))
                        + " (Wire.methodId of the signature), so a call could not say which it means; rename one");
                ok = false;
            }
        }
        return ok;
    }

    /**
     * Checks a {@code @Subscribe} method: {@code void name(SomeEvent event, String eventId)}, the
     * event a record, so that every event of the type can be delivered to it.
     */
    private boolean checkSubscriber(String where, ExecutableElement method, ExecutableType resolved) {
        List<? extends TypeMirror> parameters = resolved.getParameterTypes();
        String shape = "; a subscriber is declared as @Subscribe void " + method.getSimpleName()
                + "(SomeEvent event, String eventId), SomeEvent a record";
        if (resolved.getReturnType().getKind() != TypeKind.VOID) {
            error(method, "@Subscribe method " + where + " returns " + resolved.getReturnType()
                    + ", but nobody receives what a subscriber returns" + shape);
            return false;
        }
        if (parameters.size() != 2) {
            error(method, "@Subscribe method " + where + " takes " + parameters.size() + " parameter"
                    + (parameters.size() == 1 ? "" : "s") + shape);
            return false;
        }
        boolean ok = true;
        TypeMirror event = parameters.get(0);
        if (event.getKind() != TypeKind.DECLARED || ValueTypes.element(event).getKind() != ElementKind.RECORD) {
            error(method.getParameters().get(0), "@Subscribe method " + where + ": its event parameter '"
                    + method.getParameters().get(0).getSimpleName() + "' is a " + event + ", not a record" + shape);
            ok = false;
        }
        if (!types.isSameType(parameters.get(1), elements.getTypeElement("java.lang.String").asType())) {
            error(method.getParameters().get(1), "@Subscribe method " + where + ": its second parameter '"
                    + method.getParameters().get(1).getSimpleName() + "' is a " + parameters.get(1)
                    + ", not the event's id (String)" + shape);
            ok = false;
        }
        return ok;
    }

    /** The {@code value} of an annotation on an element, if it carries the annotation. */
    private static Optional<String> annotationValue(Element element, String annotation) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            if (mirror.getAnnotationType().toString().equals(annotation)) {
                for (var entry : mirror.getElementValues().entrySet()) {
                    if (entry.getKey().getSimpleName().contentEquals("value")) {
                        return Optional.of(entry.getValue().getValue().toString());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Checks the static method a {@code @Fallback} names: declared by the component interface, with
     * the call's parameter types, a result the call can return, and no checked exception the
     * call does not declare.
     */
    private Optional<ExecutableElement> checkFallback(TypeElement type, ExecutableElement method, ExecutableType resolved,
            String name) {
        String where = "@Fallback(\"" + name + "\") on " + type.getSimpleName() + "." + method.getSimpleName();
        List<String> expected = resolved.getParameterTypes().stream().map(t -> types.erasure(t).toString()).toList();
        String signature = name + "(" + String.join(", ", resolved.getParameterTypes().stream().map(Object::toString).toList())
                + ")";
        List<ExecutableElement> named = ElementFilter.methodsIn(type.getEnclosedElements()).stream()
                .filter(m -> m.getSimpleName().contentEquals(name)).toList();
        Optional<ExecutableElement> match = named.stream()
                .filter(m -> m.getParameters().stream().map(p -> types.erasure(p.asType()).toString()).toList().equals(expected))
                .findFirst();
        if (match.isEmpty()) {
            error(method, where + ": " + type.getSimpleName() + " has no method " + signature
                    + (named.isEmpty() ? "" : " (it has " + name + " with other parameters)")
                    + "; declare static " + resolved.getReturnType() + " " + signature + " in " + type.getSimpleName());
            return Optional.empty();
        }
        ExecutableElement fallback = match.get();
        if (fallback.getModifiers().contains(Modifier.PRIVATE)) {
            error(method, where + ": " + type.getSimpleName() + "." + name + " is private; the generated code calls it");
            return Optional.empty();
        }
        if (!fallback.getModifiers().contains(Modifier.STATIC)) {
            error(method, where + ": " + type.getSimpleName() + "." + name + " must be static: a fallback runs in the caller's"
                    + " process, where there is no instance of the component");
            return Optional.empty();
        }
        for (int i = 0; i < fallback.getParameters().size(); i++) {
            if (!types.isSameType(fallback.getParameters().get(i).asType(), resolved.getParameterTypes().get(i))) {
                error(method, where + ": parameter " + (i + 1) + " of " + name + " is " + fallback.getParameters().get(i).asType()
                        + ", not " + resolved.getParameterTypes().get(i) + " as in " + method.getSimpleName());
                return Optional.empty();
            }
        }
        TypeMirror result = resolved.getReturnType();
        TypeMirror answers = fallback.getReturnType();
        boolean fits = result.getKind() == TypeKind.VOID ? answers.getKind() == TypeKind.VOID
                : answers.getKind() != TypeKind.VOID && types.isAssignable(answers, result);
        if (!fits) {
            error(method, where + ": " + name + " returns " + answers + ", which " + method.getSimpleName() + " cannot return"
                    + " (it returns " + result + ")");
            return Optional.empty();
        }
        for (TypeMirror thrown : fallback.getThrownTypes()) {
            boolean declared = resolved.getThrownTypes().stream().anyMatch(t -> types.isSubtype(thrown, t));
            if (isChecked(thrown) && !declared) {
                error(method, where + ": " + name + " throws " + thrown + ", which " + method.getSimpleName()
                        + " does not declare");
                return Optional.empty();
            }
        }
        return Optional.of(fallback);
    }

    /**
     * Why a {@code @Nullable} (any annotation of that simple name, on the declaration or the
     * type) cannot hold for a value crossing a component boundary, or null: a collection or
     * {@code Optional} that is null would arrive empty, and a collection cannot carry null
     * elements, so both are refused at run time; here they are refused before it.
     *
     * @param verb what the component does with such a value, {@code take} or {@code return}
     */
    private String nullableProblem(Element declaration, TypeMirror type, String verb) {
        if (isContainer(type) && (nullable(type) || nullable(declaration))) {
            return "is a @Nullable " + ValueTypes.element(type).getSimpleName() + ", but a collection or Optional crossing a"
                    + " component boundary cannot be null (a null would arrive empty): " + verb + " an empty one for none";
        }
        String elements = nullableElements(type);
        return elements == null ? null : "is a " + elements + ", but collections crossing a component boundary cannot hold"
                + " null";
    }

    /** {@code "List with @Nullable elements"}, for the outermost container that has them, or null. */
    private String nullableElements(TypeMirror type) {
        if (!isContainer(type)) {
            return null;
        }
        for (TypeMirror argument : ((DeclaredType) type).getTypeArguments()) {
            if (nullable(argument)) {
                return ValueTypes.element(type).getSimpleName() + " with @Nullable elements";
            }
        }
        for (TypeMirror argument : ((DeclaredType) type).getTypeArguments()) {
            String inside = nullableElements(argument);
            if (inside != null) {
                return inside;
            }
        }
        return null;
    }

    private boolean isContainer(TypeMirror type) {
        return switch (valueTypes.kind(type)) {
            case LIST, SET, MAP, OPTIONAL -> true;
            default -> false;
        };
    }

    private static boolean nullable(javax.lang.model.AnnotatedConstruct construct) {
        return construct.getAnnotationMirrors().stream()
                .anyMatch(a -> a.getAnnotationType().asElement().getSimpleName().contentEquals("Nullable"));
    }

    private static String join(String where, String problem) {
        return problem.startsWith("is ") ? where + " " + problem : where + ": " + problem;
    }

    private boolean isChecked(TypeMirror thrown) {
        return !types.isSubtype(thrown, typeOf("java.lang.RuntimeException"))
                && !types.isSubtype(thrown, typeOf("java.lang.Error"));
    }

    private TypeMirror typeOf(String name) {
        return elements.getTypeElement(name).asType();
    }

    private Optional<String> exceptionProblem(TypeMirror thrown) {
        if (thrown.getKind() != TypeKind.DECLARED) {
            return Optional.of("is a type variable; declare concrete exception types");
        }
        if (!isChecked(thrown)) {
            return Optional.empty(); // allowed, arrives as RemoteFailureException when remote
        }
        if (!types.isSubtype(thrown, typeOf("java.lang.Exception"))) {
            return Optional.of("cannot cross a process boundary: a declared checked exception must extend "
                    + "java.lang.Exception");
        }
        TypeElement element = ValueTypes.element(thrown);
        if (element.getModifiers().contains(Modifier.ABSTRACT)) {
            return Optional.of("cannot cross a process boundary: it is abstract, so the caller's side cannot "
                    + "create it; declare a concrete exception");
        }
        if (element.getNestingKind() == NestingKind.MEMBER && !element.getModifiers().contains(Modifier.STATIC)) {
            return Optional.of("cannot cross a process boundary: it is an inner class; make it static");
        }
        boolean hasStringConstructor = ElementFilter.constructorsIn(element.getEnclosedElements()).stream()
                .anyMatch(c -> c.getModifiers().contains(Modifier.PUBLIC) && c.getParameters().size() == 1
                        && types.isSameType(c.getParameters().get(0).asType(), typeOf("java.lang.String")));
        if (!hasStringConstructor) {
            return Optional.of("cannot cross a process boundary: it has no public constructor taking a String "
                    + "message, which the caller's side uses to recreate it; add public "
                    + element.getSimpleName() + "(String message)");
        }
        return Optional.empty();
    }

    /** Field id collisions, reported once per record. */
    private boolean checkRecord(TypeElement record) {
        Map<Integer, String> ids = new HashMap<>();
        for (RecordComponentElement component : ValueTypes.components(record)) {
            String name = component.getSimpleName().toString();
            String previous = ids.putIfAbsent(Wire.fieldId(name), name);
            if (previous != null) {
                if (reportedRecords.add(record.getQualifiedName().toString())) {
                    error(record, "record " + record.getSimpleName() + ": fields '" + previous + "' and '" + name
                            + "' have the same wire id " + Wire.fieldId(name)
                            + " (io.cleave.spi.Wire.fieldId of their names); rename one of them");
                }
                return false;
            }
        }
        if (record.getModifiers().contains(Modifier.PRIVATE)) {
            if (reportedRecords.add(record.getQualifiedName().toString())) {
                error(record, "record " + record.getSimpleName()
                        + " is private; its generated codec, in the same package, must reach it");
            }
            return false;
        }
        return true;
    }

    private Optional<TypeElement> implementationOf(TypeElement type) {
        TypeMirror contract = types.erasure(type.asType());
        List<TypeElement> found = new ArrayList<>();
        for (String name : classes) {
            TypeElement candidate = elements.getTypeElement(name);
            if (candidate != null && !candidate.getModifiers().contains(Modifier.ABSTRACT)
                    && types.isAssignable(types.erasure(candidate.asType()), contract)) {
                found.add(candidate);
            }
        }
        String simple = type.getSimpleName().toString();
        if (found.isEmpty()) {
            error(type, "component " + simple + " has no implementation: add a non-abstract class implementing "
                    + simple + " to this compilation");
            return Optional.empty();
        }
        if (found.size() > 1) {
            error(type, "component " + simple + " has " + found.size() + " implementations ("
                    + String.join(", ", found.stream().map(t -> t.getQualifiedName().toString()).toList())
                    + "); exactly one class may implement a component");
            return Optional.empty();
        }
        return Optional.of(found.get(0));
    }

    private Optional<List<DependencyModel>> checkImplementation(TypeElement type, TypeElement implementation,
            Set<TypeElement> records) {
        String impl = implementation.getSimpleName().toString();
        if (!implementation.getTypeParameters().isEmpty()) {
            error(implementation, "implementation " + impl + " of " + type.getSimpleName()
                    + " is generic; the runtime cannot choose its type arguments");
            return Optional.empty();
        }
        if (implementation.getNestingKind() == NestingKind.MEMBER
                && !implementation.getModifiers().contains(Modifier.STATIC)) {
            error(implementation, "implementation " + impl + " of " + type.getSimpleName()
                    + " is an inner class; make it static or top-level");
            return Optional.empty();
        }
        if (!reachableFrom(implementation, packageOf(type))) {
            error(implementation, "implementation " + impl + " of " + type.getSimpleName()
                    + " must be public, or in the package of " + type.getSimpleName()
                    + ", for the generated factory to construct it");
            return Optional.empty();
        }
        List<ExecutableElement> constructors = ElementFilter.constructorsIn(implementation.getEnclosedElements())
                .stream().filter(c -> c.getModifiers().contains(Modifier.PUBLIC)).toList();
        if (constructors.size() != 1) {
            error(implementation, "implementation " + impl + " of " + type.getSimpleName() + " has "
                    + constructors.size() + " public constructors; it must have exactly one, whose parameters "
                    + "say what it needs");
            return Optional.empty();
        }
        boolean ok = true;
        List<DependencyModel> dependencies = new ArrayList<>();
        VariableElement config = null;
        for (VariableElement parameter : constructors.get(0).getParameters()) {
            String where = "parameter '" + parameter.getSimpleName() + "' of " + impl + "'s constructor";
            TypeMirror t = parameter.asType();
            String name = parameter.getSimpleName().toString();
            String invalid = where + " is " + t + ", which the runtime cannot supply (valid: " + VALID_DEPENDENCIES
                    + ")";
            if (t.getKind() != TypeKind.DECLARED) {
                error(parameter, invalid);
                ok = false;
                continue;
            }
            DeclaredType declared = (DeclaredType) t;
            TypeElement element = ValueTypes.element(t);
            String qualified = element.getQualifiedName().toString();
            if (element.getKind() == ElementKind.INTERFACE && hasAnnotation(element, COMPONENT)) {
                dependencies.add(new DependencyModel(DependencyKind.COMPONENT, name, t, declared, false));
            } else if (qualified.equals("io.cleave.Ref")) {
                List<? extends TypeMirror> args = declared.getTypeArguments();
                if (args.size() != 1 || args.get(0).getKind() != TypeKind.DECLARED
                        || !hasAnnotation(ValueTypes.element(args.get(0)), COMPONENT)) {
                    error(parameter, where + " is " + t + "; a Ref must name a @Component interface, "
                            + "as in io.cleave.Ref<Greeter>");
                    ok = false;
                } else {
                    dependencies.add(new DependencyModel(DependencyKind.REF, name, t, (DeclaredType) args.get(0),
                            false));
                }
            } else if (element.getKind() == ElementKind.RECORD) {
                if (config != null) {
                    error(parameter, where + " is a second record type (" + t + "); a component takes at most one "
                            + "config record, and '" + config.getSimpleName() + "' (" + config.asType()
                            + ") is already it");
                    ok = false;
                    continue;
                }
                config = parameter;
                Optional<Boolean> defaults = checkConfig(parameter, where, element, type);
                if (defaults.isEmpty()) {
                    ok = false;
                } else {
                    dependencies.add(new DependencyModel(DependencyKind.CONFIG, name, t, declared, defaults.get()));
                }
            } else if (qualified.equals("java.time.Clock") || qualified.equals("java.lang.System.Logger")
                    || (element.getKind() == ElementKind.INTERFACE && hasAnnotation(element, RUNTIME_SERVICE))) {
                boolean argumentsOk = true;
                for (TypeMirror argument : declared.getTypeArguments()) {
                    Set<TypeElement> found = new LinkedHashSet<>();
                    String problem = argument.getKind() == TypeKind.DECLARED || argument.getKind() == TypeKind.ARRAY
                            ? valueTypes.problem(argument, null, found::add)
                            : "is " + argument + ", which is not a concrete type";
                    if (problem != null) {
                        error(parameter, join(where + " is " + t + ": its type argument " + argument
                                + " is what the runtime stores, and it", problem));
                        argumentsOk = false;
                        continue;
                    }
                    for (TypeElement record : found) {
                        if (records.add(record)) {
                            argumentsOk &= checkRecord(record);
                        }
                    }
                }
                if (declared.getTypeArguments().isEmpty() && !element.getTypeParameters().isEmpty()) {
                    error(parameter, where + " is the raw type " + t + "; give its type arguments, as in "
                            + element.getSimpleName() + "<" + String.join(", ", element.getTypeParameters().stream()
                                    .map(Object::toString).toList()) + ">");
                    argumentsOk = false;
                }
                if (!argumentsOk) {
                    ok = false;
                    continue;
                }
                dependencies.add(new DependencyModel(DependencyKind.SERVICE, name, t, declared, false));
            } else {
                error(parameter, invalid);
                ok = false;
            }
        }
        return ok ? Optional.of(dependencies) : Optional.empty();
    }

    /** Checks a config record; answers whether it declares defaults(). */
    private Optional<Boolean> checkConfig(VariableElement parameter, String where, TypeElement record,
            TypeElement component) {
        boolean ok = true;
        if (!record.getTypeParameters().isEmpty()) {
            error(parameter, where + " is the generic record " + parameter.asType()
                    + "; a config record cannot have type parameters");
            return Optional.empty();
        }
        if (!reachableFrom(record, packageOf(component))) {
            error(parameter, where + " is the config record " + record.getQualifiedName()
                    + ", which must be public or in the package of " + component.getSimpleName()
                    + " for the generated binder to build it");
            return Optional.empty();
        }
        for (RecordComponentElement field : ValueTypes.components(record)) {
            TypeMirror t = field.asType();
            if (!isConfigType(t)) {
                error(parameter, where + ": config record " + record.getSimpleName() + " has field '"
                        + field.getSimpleName() + "' of type " + t + ", which configuration cannot hold (valid: "
                        + VALID_CONFIG + ")");
                ok = false;
            }
        }
        boolean hasDefaults = false;
        for (ExecutableElement method : ElementFilter.methodsIn(record.getEnclosedElements())) {
            if (method.getSimpleName().contentEquals("defaults") && method.getParameters().isEmpty()) {
                if (method.getModifiers().containsAll(Set.of(Modifier.PUBLIC, Modifier.STATIC))
                        && types.isSameType(method.getReturnType(), record.asType())) {
                    hasDefaults = true;
                } else {
                    error(method, "config record " + record.getSimpleName() + " declares defaults(), which must be "
                            + "'public static " + record.getSimpleName() + " defaults()' to supply missing keys");
                    ok = false;
                }
            }
        }
        return ok ? Optional.of(hasDefaults) : Optional.empty();
    }

    private boolean isConfigType(TypeMirror t) {
        ValueTypes.Kind kind = valueTypes.kind(t);
        if (kind.scalar() || kind == ValueTypes.Kind.STRING || kind == ValueTypes.Kind.DURATION
                || kind == ValueTypes.Kind.ENUM) {
            return true;
        }
        if (kind == ValueTypes.Kind.LIST) {
            List<? extends TypeMirror> args = ValueTypes.arguments(t);
            return args.size() == 1 && valueTypes.kind(args.get(0)) == ValueTypes.Kind.STRING
                    && args.get(0).getKind() == TypeKind.DECLARED;
        }
        return false;
    }

    private String packageOf(Element element) {
        return elements.getPackageOf(element).getQualifiedName().toString();
    }

    /** Whether generated code in {@code pkg} can name the type. */
    private boolean reachableFrom(TypeElement type, String pkg) {
        for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
            Set<Modifier> modifiers = e.getModifiers();
            if (modifiers.contains(Modifier.PRIVATE)) {
                return false;
            }
            if (!modifiers.contains(Modifier.PUBLIC) && !packageOf(e).equals(pkg)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasAnnotation(Element element, String name) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            if (((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().contentEquals(name)) {
                return true;
            }
        }
        return false;
    }

    private void error(Element element, String message) {
        messager.printMessage(Diagnostic.Kind.ERROR, message, element);
    }

    // ---------------------------------------------------------------- generation

    private void generateCodec(TypeElement record) {
        String name = record.getQualifiedName().toString();
        if (!generatedCodecs.add(name)) {
            return;
        }
        if (elements.getTypeElement(CodecWriter.codecOf(record).canonicalName()) != null) {
            return; // compiled with its library
        }
        write(codecWriter.write(record), record);
    }

    private void generate(ComponentModel model) {
        write(componentWriter.write(model), model.type());
        writeContract(model);
        String pkg = packageOf(model.type());
        if (registries.contains(pkg + ".Cleave_Registry")) {
            error(model.type(), "component " + model.type().getSimpleName() + " appeared in a later compiler round "
                    + "than the registry of package " + pkg + "; declare it in source, not generated code");
            return;
        }
        pendingRegistries.computeIfAbsent(pkg, p -> new ArrayList<>()).add(CodecWriter.sibling(model.type(),
                "_Cleave"));
    }

    private void writeRegistries() {
        for (Map.Entry<String, List<ClassName>> entry : pendingRegistries.entrySet()) {
            // Sorted, so the start order (dependencies first, ties by name) and the names of
            // groups do not depend on the order the compiler was given the source files in.
            List<ClassName> sorted = entry.getValue().stream().sorted(Comparator.comparing(ClassName::canonicalName)).toList();
            JavaFile file = componentWriter.registry(entry.getKey(), sorted);
            try {
                file.writeTo(processingEnv.getFiler());
            } catch (IOException e) {
                messager.printMessage(Diagnostic.Kind.ERROR, "cannot write " + entry.getKey()
                        + ".Cleave_Registry: " + e.getMessage());
            }
            registries.add(entry.getKey().isEmpty() ? "Cleave_Registry" : entry.getKey() + ".Cleave_Registry");
        }
        pendingRegistries.clear();
    }

    /** The component's wire contract, which {@code cleave compat} compares between builds. */
    private void writeContract(ComponentModel model) {
        String path = ContractWriter.path(model);
        try (Writer out = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", path,
                model.type(), model.implementation()).openWriter()) {
            out.write(contractWriter.write(model));
        } catch (IOException e) {
            error(model.type(), "cannot write " + path + ": " + e.getMessage());
        }
    }

    private void writeServiceFile() {
        if (registries.isEmpty()) {
            return;
        }
        try (Writer out = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "",
                "META-INF/services/io.cleave.spi.Registry").openWriter()) {
            for (String registry : registries) {
                out.write(registry);
                out.write('\n');
            }
        } catch (IOException e) {
            messager.printMessage(Diagnostic.Kind.ERROR,
                    "cannot write META-INF/services/io.cleave.spi.Registry: " + e.getMessage());
        }
    }

    private void write(JavaFile file, Element origin) {
        try {
            file.writeTo(processingEnv.getFiler());
        } catch (IOException e) {
            error(origin, "cannot write generated " + file.packageName() + "." + file.typeSpec().name() + ": "
                    + e.getMessage());
        } catch (UncheckedIOException e) {
            error(origin, "cannot write generated code: " + e.getMessage());
        }
    }
}
