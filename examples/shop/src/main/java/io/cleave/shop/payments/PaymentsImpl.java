package io.cleave.shop.payments;

import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.shop.InvalidInputException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The simulated {@link Payments} provider, keeping its ledger in its own store (table {@code charge}). */
final class PaymentsImpl implements Payments {

    private static final String DECLINED_CARD = "4000000000000002";
    private static final String NO_FUNDS_CARD = "4000000000009995";
    private static final String COLUMNS = "order_id, user_id, amount, card_last4, status, message, created_at";
    private static final UUID NOBODY = new UUID(0, 0);

    private final Store store;
    private final PaymentsConfig config;
    private final Clock clock;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param config latency, failure rate and seed of the simulation
     * @param clock the time source for charge timestamps
     */
    public PaymentsImpl(Store store, PaymentsConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public Charge charge(UUID orderId, UUID userId, BigDecimal amount, String cardNumber) throws InvalidInputException {
        if (amount.signum() <= 0 || amount.stripTrailingZeros().scale() > 2) {
            throw new InvalidInputException("amount must be positive with at most two decimals, got " + amount.toPlainString());
        }
        String digits = CardNumber.digits(cardNumber)
                .orElseThrow(() -> new InvalidInputException("card number is not valid; try the test card 4242 4242 4242 4242"));
        Optional<Charge> earlier = store.read(c -> find(c, orderId));
        if (earlier.isPresent()) {
            return sameCharge(earlier.get(), userId, amount);
        }
        simulateLatency();
        Charge charge = decide(orderId, userId, amount, digits);
        try {
            store.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("insert into charge (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setObject(1, charge.orderId());
                    ps.setObject(2, charge.userId());
                    ps.setBigDecimal(3, charge.amount());
                    ps.setString(4, charge.cardLast4());
                    ps.setString(5, charge.status().name());
                    ps.setString(6, charge.message());
                    ps.setObject(7, OffsetDateTime.ofInstant(charge.createdAt(), ZoneOffset.UTC));
                    ps.executeUpdate();
                }
            });
            return charge;
        } catch (StoreException e) {
            // a concurrent charge or void for the same order was recorded first: its outcome stands
            if ("23505".equals(e.sqlState())) {
                Optional<Charge> winner = store.read(c -> find(c, orderId));
                if (winner.isPresent()) {
                    return sameCharge(winner.get(), userId, amount);
                }
            }
            throw e;
        }
    }

    @Override
    public Optional<Charge> refund(UUID orderId) {
        return store.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update charge set status = 'REFUNDED', message = 'refunded' where order_id = ? and status = 'APPROVED'")) {
                ps.setObject(1, orderId);
                ps.executeUpdate();
            }
            Optional<Charge> charge = find(c, orderId);
            if (charge.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("insert into charge (" + COLUMNS + ") values (?, null, 0, '', 'VOIDED', ?, ?)")) {
                    ps.setObject(1, orderId);
                    ps.setString(2, "voided before any charge");
                    ps.setObject(3, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                    ps.executeUpdate();
                }
            }
            return charge.filter(found -> found.status() != ChargeStatus.VOIDED);
        });
    }

    @Override
    public List<Charge> charges(UUID userId) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from charge where user_id = ? order by created_at desc")) {
                ps.setObject(1, userId);
                List<Charge> charges = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        charges.add(charge(rs));
                    }
                }
                return charges;
            }
        });
    }

    private Charge decide(UUID orderId, UUID userId, BigDecimal amount, String digits) {
        String last4 = digits.substring(digits.length() - 4);
        Instant now = clock.instant();
        if (digits.equals(DECLINED_CARD)) {
            return new Charge(orderId, userId, amount, last4, ChargeStatus.DECLINED, "card declined", now);
        }
        if (digits.equals(NO_FUNDS_CARD)) {
            return new Charge(orderId, userId, amount, last4, ChargeStatus.DECLINED, "insufficient funds", now);
        }
        if (draw(orderId) < config.failureRate()) {
            return new Charge(orderId, userId, amount, last4, ChargeStatus.DECLINED, "declined by the issuer", now);
        }
        return new Charge(orderId, userId, amount, last4, ChargeStatus.APPROVED, "approved", now);
    }

    /** A number in [0, 1) fixed by the seed and the order id. */
    private double draw(UUID orderId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(24).putLong(config.seed())
                    .putLong(orderId.getMostSignificantBits()).putLong(orderId.getLeastSignificantBits()).array());
            long bits = ByteBuffer.wrap(sha.digest("payments".getBytes(StandardCharsets.UTF_8))).getLong();
            return (bits >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    private void simulateLatency() {
        if (config.latency().isZero()) {
            return;
        }
        try {
            Thread.sleep(config.latency());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the simulated provider was answering", e);
        }
    }

    private static Charge sameCharge(Charge earlier, UUID userId, BigDecimal amount) throws InvalidInputException {
        if (earlier.status() != ChargeStatus.VOIDED
                && (!earlier.userId().equals(userId) || earlier.amount().compareTo(amount) != 0)) {
            throw new InvalidInputException("order " + earlier.orderId() + " was already charged "
                    + earlier.amount().toPlainString() + "; a retry must repeat the same customer and amount");
        }
        return earlier;
    }

    private static Optional<Charge> find(Connection c, UUID orderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from charge where order_id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(charge(rs)) : Optional.empty();
            }
        }
    }

    private static Charge charge(ResultSet rs) throws SQLException {
        UUID user = rs.getObject(2, UUID.class);
        return new Charge(rs.getObject(1, UUID.class), user == null ? NOBODY : user, rs.getBigDecimal(3), rs.getString(4),
                ChargeStatus.valueOf(rs.getString(5)), rs.getString(6), rs.getObject(7, OffsetDateTime.class).toInstant());
    }
}
