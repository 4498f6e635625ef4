package io.cleave.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading contracts back: what the processor wrote, and what is refused, naming the file. */
class ContractsTest {

    private static final Contract LEDGER = new Contract(Contract.FORMAT, "Ledger", "bank.Ledger",
            List.of(new Contract.Method("balance", "balance(java.lang.String)", "0badf00d",
                    List.of(new Contract.Parameter("account", "java.lang.String")), "long", List.of())),
            List.of());

    @TempDir
    Path work;

    @Test
    void readsWhatItWrote() {
        assertThat(Contracts.fromJson(Contracts.toJson(LEDGER), "x")).isEqualTo(LEDGER);
    }

    @Test
    void findsContractsUnderADirectoryAtTheirPathOnly() throws IOException {
        write(work.resolve("target/classes/" + Contract.PATH + "Ledger.json"), Contracts.toJson(LEDGER));
        write(work.resolve("target/classes/" + Contract.PATH + "notes/readme.json"), "{}");
        write(work.resolve("elsewhere/Ledger.json"), "not json");

        assertThat(Contracts.load(work)).containsOnlyKeys("Ledger").containsValue(LEDGER);
    }

    @Test
    void aFileThatIsNotAContractIsRefusedNamingIt() throws IOException {
        Path file = work.resolve(Contract.PATH + "Ledger.json");
        write(file, "[1, 2]");

        assertThatThrownBy(() -> Contracts.load(work)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": not a Cleave contract: ");
    }

    @Test
    void aContractOfAnotherFormatIsRefusedSayingWhichToUse() {
        String json = Contracts.toJson(LEDGER).replace("\"format\" : 1", "\"format\" : 2");

        assertThatThrownBy(() -> Contracts.fromJson(json, "new.jar!/x.json")).hasMessage("new.jar!/x.json: contract"
                + " format 2, this version reads 1; compare with the cleave command of the newer build");
    }

    @Test
    void twoDifferentContractsOfOneComponentAreRefused() throws IOException {
        write(work.resolve("a/" + Contract.PATH + "Ledger.json"), Contracts.toJson(LEDGER));
        Path second = work.resolve("b/" + Contract.PATH + "Ledger.json");
        write(second, Contracts.toJson(LEDGER).replace("0badf00d", "00000000"));

        assertThatThrownBy(() -> Contracts.load(work))
                .hasMessage(second + ": a second, different contract of component Ledger in one build");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
