package io.cleave.codegen;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;

/** Compiles sample sources with the processor, as a user's build would (lint on, warnings fatal). */
final class Compiler {

    private Compiler() {
    }

    static Compilation compile(JavaFileObject... sources) {
        return javac()
                .withProcessors(new CleaveProcessor())
                .withOptions("-Xlint:all,-processing", "-Werror", "-parameters")
                .compile(sources);
    }

    /** A source from a text block; its type name is read from the package and first type. */
    static JavaFileObject source(String qualifiedName, String text) {
        return JavaFileObjects.forSourceString(qualifiedName, text);
    }

    /** Every {@code .java} file under a test resource directory. */
    static JavaFileObject[] resources(String directory) {
        URL url = Compiler.class.getClassLoader().getResource(directory);
        if (url == null) {
            throw new IllegalArgumentException("no test resource directory " + directory);
        }
        try (Stream<Path> files = Files.walk(Path.of(url.toURI()))) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted()
                    .map(p -> {
                        try {
                            return JavaFileObjects.forResource(p.toUri().toURL());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toArray(JavaFileObject[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads the classes a compilation produced, over the test's class path (which has cleave-api). */
    static ClassLoader load(Compilation compilation) {
        Map<String, byte[]> classes = new HashMap<>();
        for (JavaFileObject file : compilation.generatedFiles()) {
            if (file.getKind() != JavaFileObject.Kind.CLASS) {
                continue;
            }
            String path = file.toUri().getPath();
            String name = path.substring(path.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length(),
                    path.length() - ".class".length()).replace('/', '.');
            try (InputStream in = file.openInputStream()) {
                classes.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ClassLoader(Compiler.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
    }

    /** The generated source files' text, by file name, for failure messages. */
    static List<String> generatedSourceNames(Compilation compilation) {
        List<String> names = new ArrayList<>();
        for (JavaFileObject file : compilation.generatedSourceFiles()) {
            names.add(file.getName());
        }
        return names;
    }
}
