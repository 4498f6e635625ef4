package io.cleave.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Store;
import io.cleave.spi.testing.AppPreparation;
import io.cleave.spi.testing.ProviderRequest;
import java.io.Serial;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work that throws two checked exception types of its own: each reaches the caller as itself,
 * after the rollback. The helpers' {@code throws} clauses name exactly those two types, so that
 * this class compiles at all is half of what it checks.
 */
class TransactionExceptionsTest {

    static final class OutOfStockException extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;

        OutOfStockException() {
            super("out of stock");
        }
    }

    static final class PaymentDeclinedException extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;

        PaymentDeclinedException() {
            super("payment declined");
        }
    }

    enum Outcome { OUT_OF_STOCK, DECLINED, PAID }

    @TempDir
    static Path dataDir;
    private static AutoCloseable server;
    private static ProviderRequest request;
    /** The store as components see it. */
    private static Store store;

    @BeforeAll
    static void openStore() throws Exception {
        server = new StoreProvider().prepare(new AppPreparation("shop", dataDir, Map.of()).need("Checkout", Store.class));
        request = new ProviderRequest("Checkout", Store.class, "store", Map.of(), dataDir);
        store = (Store) new StoreProvider().provide(request).orElseThrow();
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "create table charge (id int primary key)")) {
            ps.execute();
        }
    }

    @BeforeEach
    void emptyTheTable() throws SQLException {
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("delete from charge")) {
            ps.execute();
        }
    }

    @AfterAll
    static void closeStore() throws Exception {
        request.stop();
        server.close();
    }

    /** Charges in a transaction that ends the way it is told to. */
    private int checkOut(Outcome outcome) throws OutOfStockException, PaymentDeclinedException {
        return store.<Integer, OutOfStockException, PaymentDeclinedException>transaction(c -> {
            insertCharge(c);
            return end(outcome);
        });
    }

    private void checkOutWithoutResult(Outcome outcome) throws OutOfStockException, PaymentDeclinedException {
        store.<OutOfStockException, PaymentDeclinedException>run(c -> {
            insertCharge(c);
            end(outcome);
        });
    }

    private int lookUp(Outcome outcome) throws OutOfStockException, PaymentDeclinedException {
        return store.<Integer, OutOfStockException, PaymentDeclinedException>read(c -> end(outcome) + charges(c));
    }

    private static int end(Outcome outcome) throws OutOfStockException, PaymentDeclinedException {
        return switch (outcome) {
            case OUT_OF_STOCK -> throw new OutOfStockException();
            case DECLINED -> throw new PaymentDeclinedException();
            case PAID -> 1;
        };
    }

    private static void insertCharge(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into charge (id) values (1)")) {
            ps.executeUpdate();
        }
    }

    private static int charges(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select count(*) from charge"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private int chargesCommitted() {
        return store.read(TransactionExceptionsTest::charges);
    }

    @Test
    void aTransactionsTwoExceptionTypesEachReachTheCallerAsThemselvesAfterTheRollback() {
        assertThatThrownBy(() -> checkOut(Outcome.OUT_OF_STOCK)).isExactlyInstanceOf(OutOfStockException.class);
        assertThatThrownBy(() -> checkOut(Outcome.DECLINED)).isExactlyInstanceOf(PaymentDeclinedException.class);

        assertThat(chargesCommitted()).isZero();
    }

    @Test
    void aTransactionThatThrowsNeitherCommits() throws Exception {
        int result = checkOut(Outcome.PAID);

        assertThat(result).isEqualTo(1);
        assertThat(chargesCommitted()).isEqualTo(1);
    }

    @Test
    void runPassesBothTypesOnAsThemselves() throws Exception {
        assertThatThrownBy(() -> checkOutWithoutResult(Outcome.OUT_OF_STOCK)).isExactlyInstanceOf(OutOfStockException.class);
        assertThatThrownBy(() -> checkOutWithoutResult(Outcome.DECLINED)).isExactlyInstanceOf(PaymentDeclinedException.class);
        assertThat(chargesCommitted()).isZero();

        checkOutWithoutResult(Outcome.PAID);

        assertThat(chargesCommitted()).isEqualTo(1);
    }

    @Test
    void readPassesBothTypesOnAsThemselves() throws Exception {
        assertThatThrownBy(() -> lookUp(Outcome.OUT_OF_STOCK)).isExactlyInstanceOf(OutOfStockException.class);
        assertThatThrownBy(() -> lookUp(Outcome.DECLINED)).isExactlyInstanceOf(PaymentDeclinedException.class);

        assertThat(lookUp(Outcome.PAID)).isEqualTo(1);
    }

    @Test
    void workOfOneExceptionTypeNeedsNoTypeArguments() {
        Store.SqlAction<OutOfStockException> reserve = c -> {
            insertCharge(c);
            throw new OutOfStockException();
        };

        assertThatThrownBy(() -> store.run(reserve)).isExactlyInstanceOf(OutOfStockException.class);
        assertThatThrownBy(() -> store.transaction(c -> {
            throw new OutOfStockException();
        })).isExactlyInstanceOf(OutOfStockException.class);
        assertThat(store.<String, RuntimeException>read(c -> "explicit, as before")).isEqualTo("explicit, as before");
        assertThat(chargesCommitted()).isZero();
    }
}
