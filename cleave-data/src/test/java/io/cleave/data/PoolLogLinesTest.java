package io.cleave.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** What becomes of HikariCP's log records (the pool's own warnings, in HungDatabaseTest). */
class PoolLogLinesTest {

    @Test
    void theAdviceToShortenMaxLifetimeIsDroppedAndTheRestKept() {
        PoolLogLines.install();
        List<LogRecord> records = PoolRecords.during(() -> Logger.getLogger("com.zaxxer.hikari.pool.PoolBase").log(Level.WARNING,
                "cleave-store-catalog - Failed to validate connection org.postgresql.jdbc.PgConnection@1"
                        + " (This connection has been closed.)." + PoolLogLines.MAX_LIFETIME_ADVICE));

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
