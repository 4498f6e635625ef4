package io.cleave.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Writes a contract as JSON and reads the contracts of a build: a jar, or a directory of classes or jars. */
public final class Contracts {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // a later format may add members

    private Contracts() {
    }

    /**
     * The JSON text of a contract, as the processor writes it.
     *
     * @param contract the contract
     * @return its JSON
     */
    public static String toJson(Contract contract) {
        try {
            return JSON.writeValueAsString(contract) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the contract of " + contract.component(), e);
        }
    }

    /**
     * Reads one contract.
     *
     * @param json its JSON text
     * @param where where it came from, for the message
     * @return the contract
     * @throws IllegalArgumentException naming {@code where} if it is not a contract of a format
     *     this version reads
     */
    public static Contract fromJson(String json, String where) {
        Contract contract;
        try {
            contract = JSON.readValue(json, Contract.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not a Cleave contract: " + e.getOriginalMessage());
        }
        if (contract.format() != Contract.FORMAT) {
            throw new IllegalArgumentException(where + ": contract format " + contract.format() + ", this version reads "
                    + Contract.FORMAT + "; compare with the cleave command of the newer build");
        }
        return contract;
    }

    /**
     * The contracts of a build, by component name: every {@value Contract#PATH}{@code *.json} in
     * a jar, or under a directory (a classes directory, or one holding the app's jars).
     *
     * @param build a jar file or a directory
     * @return the contracts found, by component name (empty when none)
     * @throws IllegalArgumentException if the path does not exist, is neither, or holds a file
     *     that is not a contract, or two contracts of one component
     * @throws UncheckedIOException if reading fails
     */
    public static Map<String, Contract> load(Path build) {
        Map<String, Contract> found = new TreeMap<>();
        if (Files.isDirectory(build)) {
            try (Stream<Path> files = Files.walk(build)) {
                for (Path file : files.sorted().toList()) {
                    String relative = build.relativize(file).toString().replace('\\', '/');
                    int at = relative.lastIndexOf(Contract.PATH);
                    if (at >= 0 && (at == 0 || relative.charAt(at - 1) == '/') && isContract(relative.substring(at))) {
                        add(found, fromJson(Files.readString(file), file.toString()), file.toString());
                    } else if (relative.endsWith(".jar") && Files.isRegularFile(file)) {
                        readJar(file, found);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + build, e);
            }
        } else if (Files.isRegularFile(build)) {
            readJar(build, found);
        } else {
            throw new IllegalArgumentException(build + ": no such file or directory (give a jar, or a directory of "
                    + "classes or jars)");
        }
        return found;
    }

    private static boolean isContract(String path) {
        return path.startsWith(Contract.PATH) && path.endsWith(".json") && path.indexOf('/', Contract.PATH.length()) < 0;
    }

    private static void readJar(Path jar, Map<String, Contract> found) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<ZipEntry> entries = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.isDirectory() && isContract(entry.getName())) {
                    entries.add(entry);
                }
            }
            for (ZipEntry entry : entries) {
                try (InputStream in = zip.getInputStream(entry)) {
                    String where = jar + "!/" + entry.getName();
                    add(found, fromJson(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), where), where);
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new IllegalArgumentException(jar + ": not a jar (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    private static void add(Map<String, Contract> found, Contract contract, String where) {
        Contract previous = found.putIfAbsent(contract.component(), contract);
        if (previous != null && !previous.equals(contract)) {
            throw new IllegalArgumentException(where + ": a second, different contract of component "
                    + contract.component() + " in one build");
        }
    }
}
