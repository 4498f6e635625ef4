package io.cleave.codegen;

import static io.cleave.codegen.Generated.call;
import static io.cleave.codegen.Generated.decode;
import static io.cleave.codegen.Generated.encode;
import static io.cleave.codegen.Generated.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.testing.compile.Compilation;
import io.cleave.Ref;
import io.cleave.spi.CallObserver;
import io.cleave.spi.Codec;
import io.cleave.spi.CodecException;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Dependency;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.Reader;
import io.cleave.spi.Registry;
import io.cleave.spi.Wire;
import io.cleave.spi.Writer;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compiles the {@code samples/shop} application once and exercises what was generated for it:
 * codecs, descriptors, stubs, dispatchers, factories, config binders and the registry.
 */
class GeneratedCodeTest {

    private static Compilation compilation;
    private static Generated shop;

    @BeforeAll
    static void compileSample() {
        compilation = Compiler.compile(Compiler.resources("samples/shop"));
        assertThat(compilation.status()).as("%s", compilation.diagnostics()).isEqualTo(Compilation.Status.SUCCESS);
        shop = new Generated(Compiler.load(compilation));
    }

    private record Call(MethodDescriptor method, List<Object> arguments) {
    }

    // ---------------------------------------------------------------- compilation

    @Test
    void sampleCompilesWithoutAnyWarningUnderLintAndWerror() {
        assertThat(compilation.warnings()).isEmpty();
        assertThat(Compiler.generatedSourceNames(compilation)).contains(
                "/SOURCE_OUTPUT/shop/Catalog_Cleave.java", "/SOURCE_OUTPUT/shop/Cart_Cleave.java",
                "/SOURCE_OUTPUT/shop/Order_Codec.java", "/SOURCE_OUTPUT/shop/Order_Note_Codec.java",
                "/SOURCE_OUTPUT/shop/Category_Codec.java", "/SOURCE_OUTPUT/shop/Cleave_Registry.java",
                "/SOURCE_OUTPUT/shop/Posting_Codec.java");
    }

    @Test
    void registryServiceFileListsThePackageRegistryWhichListsEveryComponent() throws Exception {
        String services = compilation.generatedFile(StandardLocation.CLASS_OUTPUT, "",
                "META-INF/services/io.cleave.spi.Registry").orElseThrow().getCharContent(true).toString();
        Registry registry = (Registry) shop.type("shop.Cleave_Registry").getConstructor().newInstance();

        assertThat(services).isEqualTo("shop.Cleave_Registry\n");
        assertThat(registry.components()).extracting(ComponentDescriptor::name).containsExactly("Advisor", "carts", "Catalog", "Ledger"); // by interface name
    }

    // ---------------------------------------------------------------- codecs

    @Test
    void roundTripsEverySupportedTypeThroughTheGeneratedCodec() {
        Codec<Object> codec = shop.codec("shop.Order");
        Object order = shop.callStatic("shop.Samples", "order", 7L);

        Object decoded = decode(codec, encode(codec, order));

        assertThat(decoded).isNotSameAs(order).usingRecursiveComparison(Generated.exact()).isEqualTo(order);
        assertThat(field(decoded, "lines")).isEqualTo(field(order, "lines"));
        assertThat(field(decoded, "total").toString()).isEqualTo("0.000");
    }

    @Test
    void roundTripsNullsEmptiesAndZeroes() {
        Codec<Object> codec = shop.codec("shop.Order");
        Object sparse = shop.callStatic("shop.Samples", "sparse");

        Object decoded = decode(codec, encode(codec, sparse));

        assertThat(decoded).usingRecursiveComparison(Generated.exact()).isEqualTo(sparse);
        assertThat(field(decoded, "maybe")).isNull();
        assertThat(field(decoded, "note")).isEqualTo(Optional.empty());
    }

    @Test
    void roundTripsRecursiveRecords() {
        Codec<Object> codec = shop.codec("shop.Category");
        Object tree = shop.callStatic("shop.Samples", "tree");

        assertThat(decode(codec, encode(codec, tree))).isEqualTo(tree);
    }

    @Test
    void aRecordCodecFindsNoNullTheBoundaryCannotCarryInValuesItCarries() {
        Codec<Object> codec = shop.codec("shop.Order");

        assertThat(codec.nullInside(shop.callStatic("shop.Samples", "order", 7L))).isEmpty();
        assertThat(codec.nullInside(shop.callStatic("shop.Samples", "sparse"))).as("null scalars and records cross").isEmpty();
    }

    @Test
    void aRecordCodecFindsANullCollectionFieldOrANullElementDeepInsideWithItsPath() throws Exception {
        Codec<Object> codec = shop.codec("shop.Category");
        java.lang.reflect.Constructor<?> category = shop.type("shop.Category").getConstructor(String.class, List.class);
        Object childless = category.newInstance("jazz", null);
        Object holey = category.newInstance("all", List.of(category.newInstance("music",
                java.util.Arrays.asList(category.newInstance("jazz", List.of()), null))));

        assertThat(codec.nullInside(childless)).contains(".children");
        assertThat(codec.nullInside(holey)).contains(".children[0].children[1]");
    }

    @Test
    void rejectsAFieldOfTheWrongWireTypeNamingRecordAndField() {
        Writer out = new Writer();
        int mark = out.beginLen();
        out.writeTag(Wire.fieldId("quantity"), Wire.LEN);
        out.writeString("three");
        out.endLen(mark);

        assertThatThrownBy(() -> shop.codec("shop.Line").read(new Reader(out.toByteArray())))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("shop.Line.quantity: wire type 2 where 0 was expected");
    }

    @Test
    void methodDescriptorsEncodeArgumentsWithTheGeneratedCodecs() {
        MethodDescriptor put = shop.descriptor("shop.Catalog").methods().get(1);
        Object order = shop.callStatic("shop.Samples", "order", 9L);
        Writer out = new Writer();

        put.writeArguments(out, new Object[] {order});
        Object[] decoded = put.readArguments(new Reader(out.toByteArray()));

        assertThat(decoded[0]).usingRecursiveComparison(Generated.exact()).isEqualTo(order);
    }

    // ---------------------------------------------------------------- descriptors

    @Test
    void descriptorListsAbstractMethodsIncludingInheritedOnesButNotDefaultOrStaticOnes() {
        ComponentDescriptor<Object> catalog = shop.descriptor("shop.Catalog");

        assertThat(catalog.methods()).extracting(MethodDescriptor::name)
                .containsExactly("find", "put", "categories", "count", "name");
        assertThat(catalog.methods()).extracting(MethodDescriptor::index).containsExactly(0, 1, 2, 3, 4);
        assertThat(catalog.methods()).extracting(MethodDescriptor::component).containsOnly("Catalog");
    }

    @Test
    void aMethodIsIdentifiedByItsErasedSignatureNotItsPosition() {
        ComponentDescriptor<Object> catalog = shop.descriptor("shop.Catalog");

        assertThat(catalog.methods()).extracting(MethodDescriptor::signature).containsExactly("find(long)",
                "put(shop.Order)", "categories()", "count(java.lang.String,java.lang.String,java.util.Map)", "name()");
        assertThat(catalog.methods()).allSatisfy(m -> assertThat(m.id()).isEqualTo(Wire.methodId(m.signature())));
    }

    @Test
    void descriptorCarriesIdempotenceKeyParameterAndDeclaredExceptions() {
        List<MethodDescriptor> methods = shop.descriptor("shop.Catalog").methods();
        List<MethodDescriptor> cart = shop.descriptor("shop.Cart").methods();

        assertThat(methods.get(0).idempotent()).isTrue();
        assertThat(methods.get(0).keyParameter()).isEqualTo(0);
        assertThat(methods.get(1).idempotent()).isFalse();
        assertThat(methods.get(1).keyParameter()).isEqualTo(-1);
        assertThat(methods.get(3).keyParameter()).isEqualTo(1);
        assertThat(cart.get(0).exceptions()).extracting(e -> e.type().getName())
                .containsExactly("shop.NotFoundException", "java.io.IOException");
        assertThat((Throwable) cart.get(0).exceptions().get(0).create().apply("gone")).hasMessage("gone")
                .isInstanceOf(cart.get(0).exceptions().get(0).type());
    }

    @Test
    void descriptorNamesImplementationAndDependenciesWithTheirParameterNames() {
        ComponentDescriptor<Object> catalog = shop.descriptor("shop.Catalog");
        ComponentDescriptor<Object> cart = shop.descriptor("shop.Cart");

        assertThat(catalog.name()).isEqualTo("Catalog");
        assertThat(cart.name()).isEqualTo("carts");
        assertThat(catalog.implementation().getName()).isEqualTo("shop.CatalogImpl");
        Dependency.OnConfig<?> config = (Dependency.OnConfig<?>) catalog.dependencies().get(0);
        assertThat(config.parameter()).isEqualTo("config");
        assertThat(config.type().getName()).isEqualTo("shop.CatalogConfig");
        assertThat(catalog.dependencies().subList(1, 4)).containsExactly(
                new Dependency.OnService("clock", Clock.class),
                new Dependency.OnService("log", System.Logger.class),
                new Dependency.OnRef("cart", shop.type("shop.Cart")));
        assertThat(cart.dependencies()).extracting(Dependency::parameter).containsExactly("catalog", "store", "config");
        assertThat(cart.dependencies().get(0)).isEqualTo(new Dependency.OnComponent("catalog", shop.type("shop.Catalog")));
        assertThat(cart.dependencies().get(1)).isEqualTo(new Dependency.OnService("store", shop.type("shop.Store")));
    }

    @Test
    void aFallbackCallsTheStaticMethodItNamesWithTheCallsArguments() throws Exception {
        ComponentDescriptor<Object> advisor = shop.descriptor("shop.Advisor");

        Object advice = advisor.methods().get(0).fallback().orElseThrow().answer(new Object[] {"ada", 3});
        Object nothing = advisor.methods().get(1).fallback().orElseThrow().answer(new Object[] {"ada"});

        assertThat(advice).isEqualTo(List.of("fallback for ada up to 3"));
        assertThat(nothing).isNull();
        assertThat(shop.descriptor("shop.Catalog").methods()).allSatisfy(m -> assertThat(m.fallback()).isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aGenericRuntimeServiceGetsACodecForItsTypeArgumentThatRoundTrips() throws Exception {
        ComponentDescriptor<Object> ledger = shop.descriptor("shop.Ledger");
        Dependency.OnService journal = (Dependency.OnService) ledger.dependencies().get(0);
        Object posting = shop.type("shop.Posting").getConstructors()[0]
                .newInstance("cash", new java.math.BigDecimal("12.50"), List.of("rent", "june"));

        Codec<Object> codec = (Codec<Object>) journal.typeArguments().get(0);
        Writer out = new Writer();
        codec.write(out, posting);
        Object back = codec.read(new Reader(out.toByteArray()));

        assertThat(journal.parameter()).isEqualTo("journal");
        assertThat(journal.type().getName()).isEqualTo("shop.Journal");
        assertThat(journal.typeArguments()).hasSize(1);
        assertThat(back).isEqualTo(posting);
    }

    @Test
    void factoryBuildsTheImplementationFromItsDependencies() throws Exception {
        ComponentDescriptor<Object> catalog = shop.descriptor("shop.Catalog");
        Object config = shop.callStatic("shop.CatalogConfig", "defaults");
        Ref<Object> cart = () -> "the cart";

        Object instance = catalog.factory().create(new Object[] {config, Clock.systemUTC(), System.getLogger("t"), cart});

        assertThat(instance.getClass().getName()).isEqualTo("shop.CatalogImpl");
        assertThat(instance).hasFieldOrPropertyWithValue("config", config).hasFieldOrPropertyWithValue("cart", cart);
    }

    // ---------------------------------------------------------------- stub and dispatcher

    @Test
    void stubRoutesEveryCallToTheInvokerWithItsDescriptorAndArguments() throws Throwable {
        ComponentDescriptor<Object> catalog = shop.descriptor("shop.Catalog");
        List<Call> calls = new ArrayList<>();
        Object stub = catalog.stub().apply((method, arguments) -> {
            calls.add(new Call(method, List.of(arguments)));
            return method.name().equals("count") ? 42 : null;
        });
        Class<?> type = shop.type("shop.Catalog");

        Object counted = call(stub, type, "count", "pre", "shard-1", Map.of());
        call(stub, type, "find", 5L);

        assertThat(counted).isEqualTo(42);
        assertThat(calls).extracting(Call::method).containsExactly(catalog.methods().get(3), catalog.methods().get(0));
        assertThat(calls.get(0).arguments()).containsExactly("pre", "shard-1", Map.of());
        assertThat(calls.get(1).arguments()).containsExactly(5L);
    }

    @Test
    void stubRunsDefaultMethodsLocallyOverTheRemotedAbstractOnes() throws Throwable {
        Object stub = shop.descriptor("shop.Catalog").stub().apply((method, arguments) -> "remote-" + method.name());

        assertThat(call(stub, shop.type("shop.Catalog"), "greeting")).isEqualTo("hello from remote-name");
    }

    @Test
    void stubRethrowsDeclaredCheckedExceptionsAndUncheckedOnesAsThemselves() {
        ComponentDescriptor<Object> catalog = shop.descriptor("shop.Catalog");
        Exception notFound = (Exception) catalog.methods().get(0).exceptions().get(0).create().apply("no order 5");
        Object failing = catalog.stub().apply((method, arguments) -> {
            throw notFound;
        });
        IllegalArgumentException unchecked = new IllegalArgumentException("bad");
        Object failingUnchecked = catalog.stub().apply((method, arguments) -> {
            throw unchecked;
        });

        assertThatThrownBy(() -> call(failing, shop.type("shop.Catalog"), "find", 5L)).isSameAs(notFound);
        assertThatThrownBy(() -> call(failingUnchecked, shop.type("shop.Catalog"), "find", 5L)).isSameAs(unchecked);
    }

    @Test
    void stubWrapsAnUndeclaredCheckedExceptionNamingTheMethod() {
        IOException io = new IOException("disk");
        Object stub = shop.descriptor("shop.Catalog").stub().apply((method, arguments) -> {
            throw io;
        });

        assertThatThrownBy(() -> call(stub, shop.type("shop.Catalog"), "categories"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Catalog.categories")
                .hasCause(io);
    }

    /** What an observer was told: "begin find", "end find ok" or "end find NotFoundException". */
    private static final class Told implements CallObserver {
        final List<String> events = new ArrayList<>();
        final String through;

        Told(String through) {
            this.through = through;
        }

        @Override
        public long begin(MethodDescriptor method) {
            events.add("begin " + method.name());
            return method.name().equals(through) ? THROUGH_INVOKER : 7L;
        }

        @Override
        public void end(MethodDescriptor method, long begun, Throwable failure) {
            events.add("end " + method.name() + " " + begun + " " + (failure == null ? "ok" : failure.getClass().getSimpleName()));
        }
    }

    private static Object catalogInstance(ComponentDescriptor<Object> catalog) throws Exception {
        return catalog.factory().create(new Object[] {shop.callStatic("shop.CatalogConfig", "defaults"), Clock.systemUTC(),
                System.getLogger("t"), null});
    }

    @Test
    void theObservedReferenceCallsTheInstanceItselfBetweenTheObserversBeginAndEnd() throws Throwable {
        ComponentDescriptor<Object> catalog = shop.descriptor("shop.Catalog");
        Object target = catalogInstance(catalog);
        Told observer = new Told("none");
        List<Call> invoked = new ArrayList<>();
        Object observed = catalog.observed().create(target, observer, (method, arguments) -> {
            invoked.add(new Call(method, List.of(arguments)));
            return null;
        });
        Class<?> type = shop.type("shop.Catalog");

        Object counted = call(observed, type, "count", "abc", "k", Map.of("x", List.of()));
        Object found = call(observed, type, "find", 3L);
        Object put = call(observed, type, "put", found);

        assertThat(counted).isEqualTo(301);
        assertThat(found).usingRecursiveComparison(Generated.exact()).isEqualTo(shop.callStatic("shop.Samples", "order", 3L));
        assertThat(put).isNull();
        assertThat(field(target, "put")).isEqualTo(List.of(found));
        assertThat(observer.events).containsExactly("begin count", "end count 7 ok", "begin find", "end find 7 ok",
                "begin put", "end put 7 ok");
        assertThat(invoked).isEmpty();
    }

    @Test
    void theObservedReferenceRethrowsWhatTheInstanceThrowsAsItselfAndTellsTheObserver() throws Exception {
        ComponentDescriptor<Object> catalog = shop.descriptor("shop.Catalog");
        Told observer = new Told("none");
        Object observed = catalog.observed().create(catalogInstance(catalog), observer, (method, arguments) -> {
            throw new AssertionError("not through the invoker");
        });

        assertThatThrownBy(() -> call(observed, shop.type("shop.Catalog"), "find", -1L))
                .hasMessage("no order -1").extracting(t -> t.getClass().getName()).isEqualTo("shop.NotFoundException");
        assertThat(observer.events).containsExactly("begin find", "end find 7 NotFoundException");
    }

    @Test
    void aCallTheObserverDoesNotLetThroughGoesToTheInvokerWithItsArgumentsAndIsNotEnded() throws Throwable {
        ComponentDescriptor<Object> catalog = shop.descriptor("shop.Catalog");
        Told observer = new Told("find");
        List<Call> invoked = new ArrayList<>();
        Object order = shop.callStatic("shop.Samples", "order", 9L);
        Object observed = catalog.observed().create(catalogInstance(catalog), observer, (method, arguments) -> {
            invoked.add(new Call(method, List.of(arguments)));
            return order;
        });

        assertThat(call(observed, shop.type("shop.Catalog"), "find", 5L)).isSameAs(order);
        assertThat(invoked).extracting(Call::method).containsExactly(catalog.methods().get(0));
        assertThat(invoked.get(0).arguments()).containsExactly(5L);
        assertThat(observer.events).containsExactly("begin find");
    }

    @Test
    void dispatcherCallsTheMethodWithTheGivenIndex() throws Exception {
        ComponentDescriptor<Object> catalog = shop.descriptor("shop.Catalog");
        Object config = shop.callStatic("shop.CatalogConfig", "defaults");
        Object target = catalog.factory().create(new Object[] {config, Clock.systemUTC(), System.getLogger("t"), null});
        Object order = shop.callStatic("shop.Samples", "order", 3L);

        Object counted = catalog.dispatcher().dispatch(target, 3, new Object[] {"abc", "k", Map.of("x", List.of())});
        Object found = catalog.dispatcher().dispatch(target, 0, new Object[] {3L});
        Object put = catalog.dispatcher().dispatch(target, 1, new Object[] {order});
        Object name = catalog.dispatcher().dispatch(target, 4, new Object[0]);

        assertThat(counted).isEqualTo(301);
        assertThat(found).usingRecursiveComparison(Generated.exact()).isEqualTo(order);
        assertThat(put).isNull();
        assertThat(Generated.field(target, "put")).isEqualTo(List.of(order));
        assertThat(name).isEqualTo("hi");
    }

    @Test
    void dispatcherPassesThrownExceptionsAndRejectsUnknownIndexes() throws Exception {
        ComponentDescriptor<Object> catalog = shop.descriptor("shop.Catalog");
        Object config = shop.callStatic("shop.CatalogConfig", "defaults");
        Object target = catalog.factory().create(new Object[] {config, Clock.systemUTC(), System.getLogger("t"), null});

        assertThatThrownBy(() -> catalog.dispatcher().dispatch(target, 0, new Object[] {-1L}))
                .hasMessage("no order -1").extracting(t -> t.getClass().getName()).isEqualTo("shop.NotFoundException");
        assertThatThrownBy(() -> catalog.dispatcher().dispatch(target, 5, new Object[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Catalog has no method #5 (it has 5)");
    }

    // ---------------------------------------------------------------- config binding

    @SuppressWarnings("unchecked")
    private static Dependency.OnConfig<Record> config(String component) {
        return (Dependency.OnConfig<Record>) shop.descriptor(component).dependencies().stream()
                .filter(d -> d instanceof Dependency.OnConfig).findFirst().orElseThrow();
    }

    @Test
    void binderReadsKebabCaseKeysAndTakesMissingOnesFromDefaults() {
        Record bound = config("shop.Catalog").binder().bind(new MapConfigSection("Catalog", Map.of(
                "greeting", "hey", "max-connections", 32L, "timeout", "PT5S", "initial-status", "paid",
                "tags", List.of("x", "y"), "limit", 5L, "http-url-path", "/api", "small", 7L)));

        assertThat(bound).hasToString("CatalogConfig[greeting=hey, maxConnections=32, timeout=PT5S, "
                + "initialStatus=PAID, tags=[x, y], limit=5, big=1, open=true, ratio=0.5, small=7, httpURLPath=/api]");
        assertThat(field(bound, "timeout")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void binderRejectsUnknownKeys() {
        ConfigSection section = new MapConfigSection("Catalog", Map.of("greeting", "hey", "max-conections", 3L));

        assertThatThrownBy(() -> config("shop.Catalog").binder().bind(section))
                .isInstanceOf(ConfigSection.ConfigError.class)
                .hasMessageStartingWith("Catalog.max-conections is not a known key")
                .hasMessageContaining("max-connections");
    }

    @Test
    void binderWithoutDefaultsFailsOnAMissingKey() {
        ConfigSection section = new MapConfigSection("carts", Map.of("max-items", 3L));

        assertThatThrownBy(() -> config("shop.Cart").binder().bind(section))
                .isInstanceOf(ConfigSection.ConfigError.class).hasMessage("carts.currency is missing");
    }

    @Test
    void binderRejectsAnIntegerOutsideANarrowField() {
        ConfigSection section = new MapConfigSection("Catalog", Map.of("small", 70_000L));

        assertThatThrownBy(() -> config("shop.Catalog").binder().bind(section))
                .isInstanceOf(ConfigSection.ConfigError.class)
                .hasMessage("Catalog.small: 70000 is outside [-32768, 32767]");
    }

    @Test
    void bigDecimalFieldKeepsItsScale() {
        Codec<Object> codec = shop.codec("shop.Line");
        Object line = shop.callStatic("shop.Samples", "order", 1L);
        Object first = ((List<?>) field(line, "lines")).get(0);

        Object decoded = decode(codec, encode(codec, first));

        assertThat(field(decoded, "price")).isEqualTo(new BigDecimal("19.99"));
    }
}
