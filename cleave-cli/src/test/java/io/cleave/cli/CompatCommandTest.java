package io.cleave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.codegen.CleaveProcessor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cleave compat} on builds compiled here by cleave-codegen: one jar, one classes directory. */
class CompatCommandTest {

    private static final String LEDGER = """
            package bank;
            @io.cleave.Component
            public interface Ledger {
                long balance(String account);
                void post(Entry entry);
            }
            """;
    private static final String ENTRY = """
            package bank;
            public record Entry(String account, long cents) {}
            """;

    @TempDir
    Path work;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void anAddedMethodAndFieldAreCompatible() throws IOException {
        Path old = jar(build("old", LEDGER, ENTRY));
        Path now = build("new", LEDGER.replace("void post(Entry entry);", "void post(Entry entry);\n    int count();"),
                ENTRY.replace("long cents)", "long cents, String memo)"));

        int code = cleave("compat", old.toString(), now.toString());

        assertThat(code).isZero();
        assertThat(out.toString().lines()).containsExactly(
                "compatible Ledger count(): method added",
                "compatible Ledger record bank.Entry: field 'memo' (java.lang.String) added: absent from an old build's"
                        + " values, it takes its default",
                "0 breaking, 2 compatible changes: the new build can run beside the old one");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aRemovedMethodAndAChangedParameterAreBreaking() throws IOException {
        Path old = jar(build("old", LEDGER, ENTRY));
        Path now = jar(build("new", LEDGER.replace("long balance(String account);", "")
                .replace("void post(Entry entry);", "void post(Entry entry, boolean dryRun);"), ENTRY));

        int code = cleave("compat", old.toString(), now.toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString().lines()).containsExactly(
                "BREAKING   Ledger balance(java.lang.String): method removed: the old build's calls to it fail",
                "BREAKING   Ledger post(bank.Entry): parameter types changed from (bank.Entry) to (bank.Entry, boolean):"
                        + " the old build's calls name a method the new one does not have",
                "2 breaking, 0 compatible changes: the new build cannot run beside the old one; roll it out by stopping"
                        + " every old replica first");
    }

    @Test
    void theSameBuildHasNoChanges() throws IOException {
        Path build = build("one", LEDGER, ENTRY);

        int code = cleave("compat", jar(build).toString(), build.toString());

        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("no changes to 1 component contract" + System.lineSeparator());
    }

    @Test
    void aBuildWithoutContractsIsRefusedSayingWhy() throws IOException {
        Path empty = Files.createDirectories(work.resolve("empty"));
        Path build = build("one", LEDGER, ENTRY);

        int code = cleave("compat", empty.toString(), build.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("cleave compat: " + empty + " holds no component contracts"
                + " (META-INF/cleave/contracts/*.json): is it an application built with cleave-codegen");
    }

    @Test
    void aMissingPathIsRefused() {
        int code = cleave("compat", work.resolve("nope.jar").toString(), work.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("cleave compat: " + work.resolve("nope.jar") + ": no such file or directory"
                + " (give a jar, or a directory of classes or jars)" + System.lineSeparator());
    }

    private int cleave(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    /** Compiles the ledger with cleave-codegen into a classes directory. */
    private Path build(String name, String ledger, String entry) throws IOException {
        Path sources = Files.createDirectories(work.resolve(name + "-src/bank"));
        Files.writeString(sources.resolve("Ledger.java"), ledger);
        Files.writeString(sources.resolve("Entry.java"), entry);
        StringBuilder impl = new StringBuilder("package bank;\npublic final class LedgerImpl implements Ledger {\n"
                + "    public LedgerImpl() {}\n");
        for (String line : ledger.lines().map(String::strip).filter(l -> l.endsWith(");")).toList()) {
            impl.append("    public ").append(line, 0, line.length() - 1)
                    .append(" { throw new UnsupportedOperationException(); }\n");
        }
        Files.writeString(sources.resolve("LedgerImpl.java"), impl.append("}\n").toString());
        Path classes = Files.createDirectories(work.resolve(name + "-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null);
                Stream<Path> walk = Files.list(sources)) {
            JavaCompiler.CompilationTask task = javac.getTask(null, files, null,
                    List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), "-parameters"),
                    null, files.getJavaFileObjectsFromPaths(walk.toList()));
            task.setProcessors(List.of(new CleaveProcessor()));
            assertThat(task.call()).as("compiling " + name).isTrue();
        }
        return classes;
    }

    /** The classes directory as a jar beside it. */
    private static Path jar(Path classes) throws IOException {
        Path jar = classes.resolveSibling(classes.getFileName() + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
        return jar;
    }

}
