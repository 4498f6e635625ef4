package io.cleave.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.RemoteFailureException;
import java.io.Serial;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodDescriptorTest {

    static final class OutOfStock extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;

        OutOfStock(String message) {
            super(message);
        }
    }

    private final MethodDescriptor reserve = new MethodDescriptor("Inventory", 0, "reserve", false, 0,
            List.of(Codecs.STRING, Codecs.INT, Codecs.list(Codecs.STRING)), Codecs.LONG,
            List.of(new ExceptionType<>(OutOfStock.class, OutOfStock::new)));

    @Test
    void argumentsRoundTripAndAbsentOnesTakeDefaults() {
        Writer out = new Writer();

        reserve.writeArguments(out, new Object[] {"sku-1", 3, null});
        Object[] decoded = reserve.readArguments(new Reader(out.toByteArray()));

        assertThat(decoded).containsExactly("sku-1", 3, List.of());
    }

    @Test
    void resultRoundTrips() throws Exception {
        Writer out = new Writer();

        reserve.writeResult(out, 17L);

        assertThat(reserve.readReply(new Reader(out.toByteArray()), "local")).isEqualTo(17L);
    }

    @Test
    void declaredExceptionArrivesAsItself() {
        Writer out = new Writer();

        reserve.writeThrown(out, new OutOfStock("sku-1 has 0 left"));

        assertThatThrownBy(() -> reserve.readReply(new Reader(out.toByteArray()), "local"))
                .isInstanceOf(OutOfStock.class)
                .hasMessage("sku-1 has 0 left");
    }

    @Test
    void undeclaredFailureArrivesAsRemoteFailureNamingComponentMethodAndReplica() {
        Writer out = new Writer();

        reserve.writeThrown(out, new IllegalStateException("boom"));

        assertThatThrownBy(() -> reserve.readReply(new Reader(out.toByteArray()), "inventory/1"))
                .isInstanceOfSatisfying(RemoteFailureException.class, e -> {
                    assertThat(e.component()).isEqualTo("Inventory");
                    assertThat(e.method()).isEqualTo("reserve");
                    assertThat(e.replica()).isEqualTo("inventory/1");
                    assertThat(e.remoteType()).isEqualTo("java.lang.IllegalStateException");
                })
                .hasMessage("Inventory.reserve failed on inventory/1: java.lang.IllegalStateException: boom");
    }

    @Test
    void argumentWithWrongWireTypeNamesMethodAndPosition() {
        Writer out = new Writer();
        out.writeTag(2, Wire.LEN);
        out.writeString("three");

        assertThatThrownBy(() -> reserve.readArguments(new Reader(out.toByteArray())))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("Inventory.reserve.argument 2: wire type 2 where 0 was expected");
    }
}
