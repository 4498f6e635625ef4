package io.cleave.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** A route table file as an operator edits it, and the gateway's log lines about it. */
final class RouteFile {

    private RouteFile() {
    }

    /** Replaces the file as the README says to: written beside it, then moved over it in one step. */
    static void write(Path file, String text) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The gateway's log lines ({@code io.cleave.gateway}, through {@code System.Logger} to JUL) while open. */
    static final class Log implements AutoCloseable {

        private final Logger logger = Logger.getLogger("io.cleave.gateway");
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };

        Log() {
            logger.addHandler(handler);
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public void close() {
            logger.removeHandler(handler);
        }
    }
}
