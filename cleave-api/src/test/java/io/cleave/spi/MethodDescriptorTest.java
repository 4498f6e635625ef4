package io.cleave.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.MessageTooLargeException;
import io.cleave.RemoteFailureException;
import java.io.Serial;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MethodDescriptorTest {

    static final class OutOfStock extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;

        OutOfStock(String message) {
            super(message);
        }
    }

    private final MethodDescriptor reserve = new MethodDescriptor("Inventory", 0, "reserve", "reserve(java.lang.String,int,java.util.List)", false, 0,
            List.of(Codecs.STRING, Codecs.INT, Codecs.list(Codecs.STRING)), List.of("sku", "quantity", "tags"), Codecs.LONG,
            List.of(new ExceptionType<>(OutOfStock.class, OutOfStock::new)));

    @Test
    void argumentsRoundTrip() {
        Writer out = new Writer();

        reserve.writeArguments(out, new Object[] {"sku-1", 3, List.of("gift")});
        Object[] decoded = reserve.readArguments(new Reader(out.toByteArray()));

        assertThat(decoded).containsExactly("sku-1", 3, List.of("gift"));
    }

    @Test
    void argumentsAnOlderCallerDidNotSendTakeTheirDefaults() {
        MethodDescriptor before = new MethodDescriptor("Inventory", 0, "reserve", "reserve(java.lang.String)", false, 0, List.of(Codecs.STRING),
                List.of("sku"), Codecs.LONG, List.of());
        Writer out = new Writer();

        before.writeArguments(out, new Object[] {"sku-1"});
        Object[] decoded = reserve.readArguments(new Reader(out.toByteArray()));

        assertThat(decoded).containsExactly("sku-1", 0, List.of());
    }

    @Test
    void aNullStringArgumentCrossesAsNull() {
        Writer out = new Writer();

        reserve.writeArguments(out, new Object[] {null, 3, List.of()});

        assertThat(reserve.readArguments(new Reader(out.toByteArray()))).containsExactly(null, 3, List.of());
    }

    @Test
    void aNullCollectionArgumentIsRefusedNamingTheParameter() {
        Object[] arguments = {"sku-1", 3, null};

        assertThatThrownBy(() -> reserve.checkArguments(arguments))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("Inventory.reserve: argument \"tags\" is null; a collection or Optional crossing a component"
                        + " boundary cannot be null (it would arrive empty): pass an empty one");
        assertThatThrownBy(() -> reserve.writeArguments(new Writer(), arguments))
                .as("encoding checks the same first").isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("Inventory.reserve: argument \"tags\" is null;");
    }

    @Test
    void aCollectionArgumentHoldingNullIsRefusedNamingTheParameterAndIndex() {
        Object[] arguments = {"sku-1", 3, Arrays.asList("gift", null)};

        assertThatThrownBy(() -> reserve.checkArguments(arguments))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("Inventory.reserve: argument \"tags\" holds null at [1], which a component boundary cannot"
                        + " carry: a collection or Optional cannot be null (it would arrive empty) and a collection cannot"
                        + " hold null");
    }

    @Test
    void nullsInsideNestedCollectionsAreFoundWherever() {
        MethodDescriptor load = new MethodDescriptor("Inventory", 1, "load", "load(java.util.List,java.util.Map,java.util.Optional)", false, -1,
                List.of(Codecs.list(Codecs.list(Codecs.STRING)), Codecs.map(Codecs.STRING, Codecs.set(Codecs.INT)),
                        Codecs.optional(Codecs.list(Codecs.INT))),
                List.of("rows", "bins", "extra"), Codecs.VOID, List.of());
        Map<String, Set<Integer>> nullValue = new HashMap<>();
        nullValue.put("a", null);
        Set<Integer> setWithNull = new HashSet<>(Arrays.asList(1, null));

        assertThatThrownBy(() -> load.checkArguments(new Object[] {List.of(List.of("a"), Arrays.asList("b", null)), Map.of(),
                Optional.empty()})).hasMessageContaining("argument \"rows\" holds null at [1][1], which");
        assertThatThrownBy(() -> load.checkArguments(new Object[] {List.of(), nullValue, Optional.empty()}))
                .hasMessageContaining("argument \"bins\" holds null at [\"a\"], which");
        assertThatThrownBy(() -> load.checkArguments(new Object[] {List.of(), Map.of("a", setWithNull), Optional.empty()}))
                .hasMessageContaining("argument \"bins\" holds null at [\"a\"][an element], which");
        assertThatThrownBy(() -> load.checkArguments(new Object[] {List.of(), Map.of(), Optional.of(Arrays.asList(1, null))}))
                .hasMessageContaining("argument \"extra\" holds null at [1], which");
    }

    @Test
    void aNullCollectionResultOrOneHoldingNullIsRefused() {
        MethodDescriptor tags = new MethodDescriptor("Inventory", 2, "tags", "tags()", false, -1, List.of(), List.of(),
                Codecs.list(Codecs.STRING), List.of());

        assertThatThrownBy(() -> tags.writeResult(new Writer(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("Inventory.tags returned null; a collection or Optional crossing a component boundary cannot"
                        + " be null (it would arrive empty): return an empty one");
        assertThatThrownBy(() -> tags.checkResult(Arrays.asList("a", null)))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("Inventory.tags returned a value holding null at [1], which a component boundary cannot carry:"
                        + " a collection or Optional cannot be null (it would arrive empty) and a collection cannot hold"
                        + " null");
    }

    @Test
    void argumentsLargerThanTheLimitAreRefusedWithTheirSize() {
        assertThatThrownBy(() -> reserve.checkArgumentsSize(Wire.MAX_MESSAGE_BYTES + 1, Wire.MAX_MESSAGE_BYTES))
                .isInstanceOf(MessageTooLargeException.class)
                .hasMessage("Inventory.reserve: its arguments encode to 16777217 bytes, more than the 16777216 a call"
                        + " between components may carry ([transport] max-message-bytes); it was not sent");
    }

    @Test
    void aReplyLargerThanTheLimitBecomesAFailureSayingSo() {
        Writer out = new Writer();
        reserve.writeResult(out, Long.MAX_VALUE);

        reserve.limitReply(out, 5);

        assertThatThrownBy(() -> reserve.readReply(new Reader(out.toByteArray()), "inventory/1"))
                .isInstanceOf(RemoteFailureException.class)
                .hasMessage("Inventory.reserve failed on inventory/1: io.cleave.MessageTooLargeException: Inventory.reserve:"
                        + " its reply encodes to 12 bytes, more than the 5 a call between components may carry"
                        + " ([transport] max-message-bytes); the method ran and its result was dropped");
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

    @Test
    void theIdIsDerivedFromTheSignatureAndAMismatchIsRefused() {
        assertThat(reserve.id()).isEqualTo(Wire.methodId("reserve(java.lang.String,int,java.util.List)"));
        assertThat(Wire.methodId("reserve(java.lang.String)")).isNotEqualTo(reserve.id());

        assertThatThrownBy(() -> new MethodDescriptor("Inventory", 0, "reserve", "reserve(java.lang.String)", 42, false,
                -1, List.of(Codecs.STRING), List.of("sku"), Codecs.LONG, List.of(), java.util.Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id 2a is not Wire.methodId of the signature");
        assertThatThrownBy(() -> new MethodDescriptor("Inventory", 0, "reserve", "release(java.lang.String)", false, -1,
                List.of(Codecs.STRING), List.of("sku"), Codecs.LONG, List.of()))
                .hasMessage("Inventory.reserve: signature \"release(java.lang.String)\" is not name(erased parameter types)");
    }
}
