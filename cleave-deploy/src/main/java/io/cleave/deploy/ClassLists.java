package io.cleave.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The class lists the JDK writes with {@code -XX:DumpLoadedClassList}, merged for one static
 * class-data archive ({@code -Xshare:dump}) of several processes: the supervisor's archive of its
 * children, and cleave-kube's archive of an image, trained on every group.
 */
public final class ClassLists {

    private ClassLists() {
    }

    /**
     * One class list from several: every class, constant-pool and lambda line once, in the order
     * first seen, from the complete lines of each (a line still being written is left out; a list
     * deleted meanwhile is skipped). A list numbers its classes ({@code id: N}) on its own, so the
     * numbers of two lists collide: they are dropped, which the dump allows for classes of the
     * JDK's built-in loaders; classes of other loaders (the lines naming a {@code source:}, whose
     * {@code super:} refers to numbers) are left out.
     *
     * @return the merged lines, without line ends
     * @throws IOException if a list cannot be read
     */
    public static List<String> merge(List<Path> lists) throws IOException {
        Set<String> lines = new LinkedHashSet<>();
        for (Path list : lists) {
            String text;
            try {
                text = Files.readString(list);
            } catch (NoSuchFileException e) {
                continue;
            }
            for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
                if (line.isBlank() || line.startsWith("#") || line.contains(" source: ")) {
                    continue;
                }
                int id = line.startsWith("@") ? -1 : line.indexOf(" id: ");
                lines.add(id < 0 ? line : line.substring(0, id));
            }
        }
        return new ArrayList<>(lines);
    }
}
