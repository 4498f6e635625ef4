package io.cleave.codegen;

import static io.cleave.codegen.Compiler.source;
import static io.cleave.codegen.Generated.decode;
import static io.cleave.codegen.Generated.encode;
import static io.cleave.codegen.Generated.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import io.cleave.spi.Codec;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;
import java.lang.reflect.Constructor;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two builds of the same record, as two groups of an application running different versions
 * would have: v2 added {@code price}, {@code tags} and {@code stock} and removed {@code legacy}.
 * Each version reads what the other wrote.
 */
class SchemaEvolutionTest {

    private static Generated v1;
    private static Generated v2;

    private static Generated build(String item) {
        Compilation compilation = Compiler.compile(
                source("inv.Item", "package inv;\n" + item),
                source("inv.Inventory", """
                        package inv;
                        @io.cleave.Component
                        public interface Inventory {
                            void put(Item item);
                        }
                        """),
                source("inv.InventoryImpl", """
                        package inv;
                        public final class InventoryImpl implements Inventory {
                            public InventoryImpl() {}
                            public void put(Item item) {}
                        }
                        """));
        assertThat(compilation.status()).as("%s", compilation.diagnostics()).isEqualTo(Compilation.Status.SUCCESS);
        return new Generated(Compiler.load(compilation));
    }

    @BeforeAll
    static void compileBothVersions() {
        v1 = build("public record Item(String name, int quantity, String legacy) {}");
        v2 = build("public record Item(java.math.BigDecimal price, String name, int quantity, "
                + "java.util.List<String> tags, long stock) {}");
    }

    private static Object item(Generated version, Object... components) throws Exception {
        Constructor<?> constructor = version.type("inv.Item").getConstructors()[0];
        return constructor.newInstance(components);
    }

    @Test
    void newReaderGivesAddedFieldsTheirDefaultAndSkipsNothingItKnows() throws Exception {
        Codec<Object> writer = v1.codec("inv.Item");
        Codec<Object> reader = v2.codec("inv.Item");

        Object read = decode(reader, encode(writer, item(v1, "bolt", 12, "old-code")));

        assertThat(field(read, "name")).isEqualTo("bolt");
        assertThat(field(read, "quantity")).isEqualTo(12);
        assertThat(field(read, "price")).isNull();
        assertThat(field(read, "tags")).isEqualTo(List.of());
        assertThat(field(read, "stock")).isEqualTo(0L);
    }

    @Test
    void anAbsentBoxedArgumentOrResultIsNullAsInARecordAndAnAbsentPrimitiveZero() throws Exception {
        Compilation compilation = Compiler.compile(
                source("inv.Limits", """
                        package inv;
                        @io.cleave.Component
                        public interface Limits {
                            Integer cap(Integer max, int count, Boolean strict);
                        }
                        """),
                source("inv.LimitsImpl", """
                        package inv;
                        public final class LimitsImpl implements Limits {
                            public LimitsImpl() {}
                            public Integer cap(Integer max, int count, Boolean strict) { return max; }
                        }
                        """));
        assertThat(compilation.status()).as("%s", compilation.diagnostics()).isEqualTo(Compilation.Status.SUCCESS);
        MethodDescriptor cap = new Generated(Compiler.load(compilation)).descriptor("inv.Limits").methods().get(0);

        // What a caller built before these parameters existed sends: nothing.
        assertThat(cap.readArguments(new Reader(new byte[0]))).containsExactly(null, 0, null);
        Writer sent = new Writer();
        cap.writeArguments(sent, new Object[] {null, 3, false});
        assertThat(cap.readArguments(new Reader(sent.toByteArray()))).containsExactly(null, 3, false);
        Writer reply = new Writer();
        cap.writeResult(reply, null);
        assertThat(cap.readReply(new Reader(reply.toByteArray()), "r1")).isNull();
    }

    @Test
    void oldReaderSkipsFieldsItDoesNotKnowAndDefaultsRemovedOnes() throws Exception {
        Codec<Object> writer = v2.codec("inv.Item");
        Codec<Object> reader = v1.codec("inv.Item");

        Object read = decode(reader, encode(writer,
                item(v2, new BigDecimal("2.50"), "nut", 7, List.of("m4", "steel"), 900L)));

        assertThat(field(read, "name")).isEqualTo("nut");
        assertThat(field(read, "quantity")).isEqualTo(7);
        assertThat(field(read, "legacy")).isNull();
    }
}
