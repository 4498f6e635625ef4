package io.cleave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command has its page in docs/, and the page's usage is what the command prints. */
class CommandDocsTest {

    @Test
    void everyCommandHasAPageWhoseUsageIsTheCommandsOwn() throws IOException {
        CommandLine cleave = Main.commandLine();
        List<String> commands = cleave.getSubcommands().keySet().stream().filter(c -> !c.equals("help")).toList();

        assertThat(commands).contains("run", "status", "logs", "load", "compat");
        for (String command : commands) {
            Path page = Path.of("docs", command + ".md");
            assertThat(page).as("the page of cleave " + command).exists();
            String usage = cleave.getSubcommands().get(command).getUsageMessage(CommandLine.Help.Ansi.OFF);
            assertThat(Files.readString(page)).as(page + " shows the usage cleave " + command + " --help prints"
                    + " (regenerate its Usage block)").contains("```text\n" + usage + "```\n");
        }
    }
}
