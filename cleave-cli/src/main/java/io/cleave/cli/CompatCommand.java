package io.cleave.cli;

import io.cleave.contract.Compatibility;
import io.cleave.contract.Contract;
import io.cleave.contract.Contracts;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cleave compat}: can a new build run beside an old one, as a rolling update has them? */
@Command(
        name = "compat",
        mixinStandardHelpOptions = true,
        description = {
            "Compares the component contracts of two builds of an application (what cleave-codegen writes into the jar"
                    + " at " + Contract.PATH + "<component>.json) and prints every change, one line each, as compatible"
                    + " or BREAKING with the reason. Breaking: a removed component or method, changed parameter or"
                    + " result types or declared exceptions, a removed record field or enum constant. Compatible: added"
                    + " components, methods, record fields and enum constants. Method order does not matter: calls name"
                    + " methods by an id derived from name and parameter types.",
            "",
            "OLD and NEW are each a jar (the application's, or a fat jar) or a directory (target/classes, or one"
                    + " holding the application's jars).",
            "",
            "Examples:",
            "  cleave compat app-1.4.jar target/app-1.5.jar",
            "  cleave compat old/lib/ target/classes/",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no breaking change", "1:at least one breaking change",
            "2:invalid command line, or a build that could not be read or holds no contracts (one line says why)"})
final class CompatCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The build running now: a jar or a directory.")
    private Path before;

    @Parameters(index = "1", paramLabel = "NEW", description = "The build to roll out beside it: a jar or a directory.")
    private Path after;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Contract> old;
        Map<String, Contract> now;
        try {
            old = read(before);
            now = read(after);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("cleave compat: " + e.getMessage());
            return 2;
        }
        List<Compatibility.Change> changes = Compatibility.compare(old, now);
        PrintWriter out = spec.commandLine().getOut();
        for (Compatibility.Change change : changes) {
            out.println(change);
        }
        long breaking = changes.stream().filter(Compatibility.Change::breaking).count();
        if (changes.isEmpty()) {
            out.println("no changes to " + old.size() + " component contract" + (old.size() == 1 ? "" : "s"));
        } else {
            out.println(breaking + " breaking, " + (changes.size() - breaking) + " compatible change"
                    + (changes.size() - breaking == 1 ? "" : "s") + (breaking > 0
                    ? ": the new build cannot run beside the old one; roll it out by stopping every old replica first"
                    : ": the new build can run beside the old one"));
        }
        out.flush();
        return breaking > 0 ? 1 : 0;
    }

    private static Map<String, Contract> read(Path build) {
        Map<String, Contract> contracts = Contracts.load(build);
        if (contracts.isEmpty()) {
            throw new IllegalArgumentException(build + " holds no component contracts (" + Contract.PATH
                    + "*.json): is it an application built with cleave-codegen 0.1 or newer, its annotation processor"
                    + " running (<proc>full</proc> on JDK 23+)?");
        }
        return contracts;
    }
}
