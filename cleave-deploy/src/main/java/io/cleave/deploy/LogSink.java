package io.cleave.deploy;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The consolidated log: every line any child prints, and the supervisor's own events, one per
 * line as {@code <UTC timestamp> <tag> <text>} where the tag is {@code group/replica} or
 * {@code supervisor}. Lines are stamped and written under one lock as they arrive, so the file
 * is in time order; each line is flushed, so {@code cleave logs -f} sees it at once.
 */
final class LogSink implements AutoCloseable {

    /** Longest line kept; a longer one is cut with a marker, so one runaway line cannot fill memory. */
    static final int MAX_LINE = 16 * 1024;

    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path file;
    private final BufferedWriter writer;
    private final PrintStream echo;
    private final Clock clock;
    private boolean closed;

    private LogSink(Path file, BufferedWriter writer, PrintStream echo, Clock clock) {
        this.file = file;
        this.writer = writer;
        this.echo = echo;
        this.clock = clock;
    }

    /**
     * Opens the log, keeping the previous run's as {@code <name>.1}.
     *
     * @param echo where lines are echoed too, or null for nowhere
     */
    static LogSink open(Path file, PrintStream echo, Clock clock) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                // the children's output may hold anything they log: for the user who started them only
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            return new LogSink(file, w, echo, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the log " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    /** Appends one line; a failure to write is reported once on standard error and otherwise ignored. */
    void line(String tag, String text) {
        String clean = text.length() > MAX_LINE ? text.substring(0, MAX_LINE) + " [cut at " + MAX_LINE + " chars]" : text;
        synchronized (this) {
            if (closed) {
                return;
            }
            // Stamped under the lock: stamped outside, two lines could be written out of time order.
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            String line = TIMESTAMP.format(now) + " " + tag + " " + clean;
            try {
                writer.write(line);
                writer.newLine();
                writer.flush();
            } catch (IOException e) {
                closed = true;
                System.err.println("cleave: cannot write the log " + file.toAbsolutePath() + ", stopped writing it: "
                        + e.getMessage());
            }
            if (echo != null) {
                echo.println(line);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } catch (IOException e) {
            System.err.println("cleave: cannot close the log " + file.toAbsolutePath() + ": " + e.getMessage());
        }
    }
}
