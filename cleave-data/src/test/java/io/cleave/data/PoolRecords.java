package io.cleave.data;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The log records HikariCP's loggers publish while a test's work runs, as a handler sees them (after the filters). */
final class PoolRecords {

    /** Work that may throw. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    private PoolRecords() {
    }

    /**
     * @param work what to run; what it throws is left to the test (it records, not asserts)
     * @return the records of {@code com.zaxxer.hikari} and its children published meanwhile
     */
    static List<LogRecord> during(Work work) {
        Logger pool = Logger.getLogger("com.zaxxer.hikari");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        pool.addHandler(capture);
        try {
            work.run();
        } catch (Exception e) {
            // the test's own concern
        } finally {
            pool.removeHandler(capture);
        }
        return records;
    }
}
