package io.cleave.test.app;

import io.cleave.Component;
import java.util.List;

@Component
public interface Library {
    /** Puts books on the shelf; returns how many are on it. */
    int shelve(List<String> books);

    List<String> shelf();

    int capacity();

    String lend(String title) throws NotOnShelfException;
}
