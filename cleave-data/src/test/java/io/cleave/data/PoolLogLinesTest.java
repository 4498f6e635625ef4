package io.cleave.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** What becomes of HikariCP's log records (the pool's own warnings, in HungDatabaseTest). */
class PoolLogLinesTest {

    @Test
    void theAdviceToShortenMaxLifetimeIsDroppedAndTheRestKept() {
        PoolLogLines.install();
        Logger pool = Logger.getLogger("com.zaxxer.hikari.pool.PoolBase");
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
            pool.log(Level.WARNING, "cleave-store-catalog - Failed to validate connection org.postgresql.jdbc.PgConnection@1"
                    + " (This connection has been closed.)." + PoolLogLines.MAX_LIFETIME_ADVICE);
        } finally {
            pool.removeHandler(capture);
        }

        assertThat(records).singleElement().satisfies(r -> assertThat(r.getMessage()).isEqualTo(
                "cleave-store-catalog - Failed to validate connection org.postgresql.jdbc.PgConnection@1"
                        + " (This connection has been closed.)."));
    }

    @Test
    void aCausesChainIsOneLineWithoutPackagesAndEndsAtALoop() {
        IllegalStateException outer = new IllegalStateException("outer\nsecond line", new java.io.IOException("inner"));
        assertThat(PoolLogLines.chain(outer)).isEqualTo("IllegalStateException: outer <- IOException: inner");
        Exception loop = new Exception("a");
        Exception back = new Exception("b", loop);
        loop.initCause(back);
        assertThat(PoolLogLines.chain(loop)).isEqualTo("Exception: a <- Exception: b");
    }
}
