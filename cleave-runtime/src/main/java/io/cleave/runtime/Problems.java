package io.cleave.runtime;

import io.cleave.StartupException;
import java.util.ArrayList;
import java.util.List;

/** Every reason the application cannot start, collected so one failure reports them all. */
final class Problems {

    private final List<String> messages = new ArrayList<>();

    void add(String message) {
        messages.add(message);
    }

    int count() {
        return messages.size();
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    /**
     * Throws one exception listing every problem, if there is any.
     *
     * @throws StartupException listing the problems
     */
    void throwIfAny(String application) {
        if (messages.isEmpty()) {
            return;
        }
        if (messages.size() == 1) {
            throw new StartupException(messages.get(0));
        }
        StringBuilder text = new StringBuilder();
        text.append("application ").append(application.isEmpty() ? "" : "\"" + application + "\" ")
                .append("cannot start, ").append(messages.size()).append(" problems:");
        for (String m : messages) {
            text.append("\n  ").append(m);
        }
        throw new StartupException(text.toString());
    }
}
