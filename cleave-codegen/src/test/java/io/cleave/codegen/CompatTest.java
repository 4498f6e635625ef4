package io.cleave.codegen;

import static io.cleave.codegen.Compiler.source;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import io.cleave.contract.Compatibility;
import io.cleave.contract.Compatibility.Change;
import io.cleave.contract.Contract;
import io.cleave.contract.Contracts;
import io.cleave.spi.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Fixture pairs: two builds of a component, each compiled by the processor, whose contracts
 * (written into the class output) {@link Compatibility} compares as {@code cleave compat} does.
 */
class CompatTest {

    private static final String ACCOUNT = """
            public record Account(String id, long cents, Kind kind) {}
            enum Kind { CHECKING, SAVINGS }
            """;
    private static final String BANK = """
            @io.cleave.Component
            public interface Bank {
                Account open(String owner, Kind kind);
                long balance(String id);
                java.util.List<String> owners(java.util.List<String> ids);
            }
            """;

    @Test
    void writesOneContractPerComponentWithIdsAndValueTypes() {
        Contract bank = contracts(ACCOUNT, BANK).get("Bank");

        assertThat(bank.type()).isEqualTo("bank.Bank");
        assertThat(bank.methods()).extracting(Contract.Method::signature)
                .containsExactly("open(java.lang.String,bank.Kind)", "balance(java.lang.String)",
                        "owners(java.util.List)");
        assertThat(bank.methods().get(1).id())
                .isEqualTo(String.format("%08x", Wire.methodId("balance(java.lang.String)")));
        assertThat(bank.methods().get(2).parameters()).containsExactly(
                new Contract.Parameter("ids", "java.util.List<java.lang.String>"));
        assertThat(bank.methods().get(2).result()).isEqualTo("java.util.List<java.lang.String>");
        assertThat(bank.valueTypes()).containsExactly(
                new Contract.ValueType("bank.Account", "record", List.of(new Contract.Field("id", "java.lang.String"),
                        new Contract.Field("cents", "long"), new Contract.Field("kind", "bank.Kind")), List.of()),
                new Contract.ValueType("bank.Kind", "enum", List.of(), List.of("CHECKING", "SAVINGS")));
    }

    @Test
    void theSameBuildHasNoChanges() {
        assertThat(compare(ACCOUNT, BANK, ACCOUNT, BANK)).isEmpty();
    }

    @Test
    void anAddedMethodIsCompatible() {
        List<Change> changes = compare(ACCOUNT, BANK, ACCOUNT, BANK.replace("long balance(String id);",
                "long balance(String id);\n    void close(String id);"));

        assertThat(lines(changes)).containsExactly("compatible Bank close(java.lang.String): method added");
    }

    @Test
    void reorderedMethodsAreNoChange() {
        assertThat(compare(ACCOUNT, BANK, ACCOUNT, """
                @io.cleave.Component
                public interface Bank {
                    java.util.List<String> owners(java.util.List<String> ids);
                    long balance(String id);
                    Account open(String owner, Kind kind);
                }
                """)).isEmpty();
    }

    @Test
    void anAddedFieldIsCompatible() {
        List<Change> changes = compare(ACCOUNT, BANK, ACCOUNT.replace("Kind kind)", "Kind kind, String branch)"), BANK);

        assertThat(lines(changes)).containsExactly("compatible Bank record bank.Account: field 'branch' "
                + "(java.lang.String) added: absent from an old build's values, it takes its default");
    }

    @Test
    void aRemovedMethodIsBreaking() {
        List<Change> changes = compare(ACCOUNT, BANK, ACCOUNT, BANK.replace("long balance(String id);", ""));

        assertThat(lines(changes)).containsExactly(
                "BREAKING   Bank balance(java.lang.String): method removed: the old build's calls to it fail");
    }

    @Test
    void aChangedParameterTypeIsBreaking() {
        List<Change> changes = compare(ACCOUNT, BANK, ACCOUNT, BANK.replace("long balance(String id);",
                "long balance(java.util.UUID id);"));

        assertThat(lines(changes)).containsExactly("BREAKING   Bank balance(java.lang.String): parameter types changed "
                + "from (java.lang.String) to (java.util.UUID): the old build's calls name a method the new one does not have");
    }

    @Test
    void aChangedTypeArgumentIsBreakingThoughTheSignatureStays() {
        List<Change> changes = compare(ACCOUNT, BANK, ACCOUNT, BANK.replace("owners(java.util.List<String> ids)",
                "owners(java.util.List<Long> ids)"));

        assertThat(lines(changes)).containsExactly("BREAKING   Bank owners(java.util.List): parameter 1 ('ids') changed "
                + "from java.util.List<java.lang.String> to java.util.List<java.lang.Long>: its values are encoded differently");
    }

    @Test
    void aChangedResultTypeIsBreaking() {
        List<Change> changes = compare(ACCOUNT, BANK, ACCOUNT, BANK.replace("long balance", "int balance"));

        assertThat(lines(changes)).containsExactly("BREAKING   Bank balance(java.lang.String): result type changed from "
                + "long to int: its values are encoded differently");
    }

    @Test
    void aRemovedEnumConstantIsBreakingAndAnAddedOneCompatible() {
        List<Change> changes = compare(ACCOUNT, BANK, ACCOUNT.replace("CHECKING, SAVINGS", "CHECKING, BROKERAGE"), BANK);

        assertThat(lines(changes)).containsExactly(
                "BREAKING   Bank enum bank.Kind: constant SAVINGS removed: the old build may still send it",
                "compatible Bank enum bank.Kind: constant BROKERAGE added: an old build cannot decode it; send only once"
                        + " no old build is left");
    }

    @Test
    void aRemovedFieldIsBreaking() {
        List<Change> changes = compare(ACCOUNT, BANK, ACCOUNT.replace("long cents, ", ""), BANK);

        assertThat(lines(changes)).containsExactly("BREAKING   Bank record bank.Account: field 'cents' (long) removed: "
                + "an old build reads it as absent (null, 0, empty) from the new one's values");
    }

    @Test
    void aRemovedComponentIsBreaking() {
        Map<String, Contract> before = contracts(ACCOUNT, BANK);

        List<Change> changes = Compatibility.compare(before, Map.of());

        assertThat(lines(changes)).containsExactly(
                "BREAKING   Bank: component removed: calls to it from the old build fail");
    }

    private static List<Change> compare(String oldValues, String oldBank, String newValues, String newBank) {
        return Compatibility.compare(contracts(oldValues, oldBank), contracts(newValues, newBank));
    }

    private static List<String> lines(List<Change> changes) {
        return changes.stream().map(Change::toString).toList();
    }

    /** Compiles a build of the bank and reads the contracts the processor wrote. */
    static Map<String, Contract> contracts(String values, String bank) {
        int enumStart = values.indexOf("enum Kind");
        Compilation compilation = Compiler.compile(
                source("bank.Account", "package bank;\n" + values.substring(0, enumStart)),
                source("bank.Kind", "package bank;\npublic " + values.substring(enumStart)),
                source("bank.Bank", "package bank;\n" + bank),
                source("bank.BankImpl", "package bank;\n" + impl(bank)));
        assertThat(compilation.status()).as("%s", compilation.diagnostics()).isEqualTo(Compilation.Status.SUCCESS);
        Map<String, Contract> contracts = new TreeMap<>();
        for (JavaFileObject file : compilation.generatedFiles()) {
            String path = file.toUri().getPath();
            if (path.contains(Contract.PATH) && path.endsWith(".json")) {
                try {
                    Contract c = Contracts.fromJson(file.getCharContent(true).toString(), path);
                    contracts.put(c.component(), c);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return contracts;
    }

    /** An implementation of whatever the interface declares: each method throws. */
    private static String impl(String bank) {
        StringBuilder b = new StringBuilder("public final class BankImpl implements Bank {\n public BankImpl() {}\n");
        for (String line : bank.split("\n")) {
            String l = line.strip();
            if (l.endsWith(");") && !l.startsWith("@")) {
                b.append(" public ").append(l, 0, l.length() - 1).append(" { throw new UnsupportedOperationException(); }\n");
            }
        }
        return b.append("}\n").toString();
    }
}
