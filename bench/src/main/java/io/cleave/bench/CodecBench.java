package io.cleave.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode then decode one {@link Order} of ten lines: Cleave's generated codec against Jackson
 * JSON databind (one reused {@link ObjectMapper}), in the same run. Each benchmark returns the
 * decoded order so the work cannot be optimised away.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBench {

    private Order order;
    private Writer writer;
    private ObjectMapper mapper;
    private byte[] encoded;

    /** Creates the benchmark state; JMH calls this. */
    public CodecBench() {
    }

    /**
     * The benchmark's order: ten lines with ids, SKUs, quantities and prices, a customer, an
     * instant, a status and a total.
     *
     * @return the order
     */
    public static Order sampleOrder() {
        List<OrderLine> lines = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; i < 10; i++) {
            BigDecimal price = new BigDecimal((i + 1) * 7 + "." + (10 + i * 7));
            int quantity = 1 + i % 4;
            lines.add(new OrderLine(100_000L + i * 37, "SKU-" + (4200 + i) + "-BLU-M", quantity, price));
            total = total.add(price.multiply(BigDecimal.valueOf(quantity)));
        }
        Customer customer = new Customer(8_675_309L, "Ada Lovelace", "ada@example.com", "GB");
        return new Order(UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301"), customer, List.copyOf(lines),
                Instant.parse("2025-03-14T15:09:26.535Z"), OrderStatus.PAID, total, "EUR");
    }

    /**
     * Builds the order, the writer and the mapper, and checks that both codecs round-trip it.
     *
     * @throws IOException if Jackson fails
     */
    @Setup
    public void setUp() throws IOException {
        order = sampleOrder();
        writer = new Writer(1024);
        mapper = new ObjectMapper().registerModule(new JavaTimeModule());
        if (!cleave().equals(order) || !jackson().equals(order)) {
            throw new IllegalStateException("a codec does not round-trip the order");
        }
        writer.reset();
        Order_Codec.encode(writer, order);
        encoded = writer.toByteArray();
        System.out.printf("%nbytes per encoded order: cleave %d, jackson %d%n", writer.size(),
                mapper.writeValueAsBytes(order).length);
    }

    /**
     * Cleave: encode into a reused writer, decode from its buffer.
     *
     * @return the decoded order
     */
    @Benchmark
    public Order cleave() {
        writer.reset();
        Order_Codec.encode(writer, order);
        return Order_Codec.decode(new Reader(writer.buffer(), 0, writer.size()));
    }

    /**
     * Cleave, encoding only (for the breakdown).
     *
     * @return the number of bytes written
     */
    @Benchmark
    public int cleaveEncodeOnly() {
        writer.reset();
        Order_Codec.encode(writer, order);
        return writer.size();
    }

    /**
     * Cleave, decoding only (for the breakdown), from bytes encoded at setup.
     *
     * @return the decoded order
     */
    @Benchmark
    public Order cleaveDecodeOnly() {
        return Order_Codec.decode(new Reader(encoded));
    }

    /**
     * Jackson: encode to bytes, decode from them.
     *
     * @return the decoded order
     * @throws IOException never, for this input
     */
    @Benchmark
    public Order jackson() throws IOException {
        byte[] json = mapper.writeValueAsBytes(order);
        return mapper.readValue(json, Order.class);
    }
}
