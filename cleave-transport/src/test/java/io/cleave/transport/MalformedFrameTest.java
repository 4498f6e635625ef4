package io.cleave.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.MessageTooLargeException;
import io.cleave.RemoteFailureException;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad bytes on one connection close that connection and nothing else. */
class MalformedFrameTest {

    private static RpcServer server;
    private static RpcClient client;
    private static Echo echo;

    @BeforeAll
    static void start() {
        server = RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, new EchoImpl("r")).maxMessageBytes(64 * 1024).start();
        client = RpcClient.builder().build();
        echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void garbageClosesThatConnectionAndServerKeepsServingOthers() throws IOException {
        assertThat(echo.echo("before")).isEqualTo("before");

        try (Socket raw = connect()) {
            raw.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            raw.getOutputStream().flush();

            assertThat(readsEndOfStream(raw)).isTrue();
        }
        assertThat(echo.echo("after")).isEqualTo("after");
    }

    @Test
    void oversizedFrameThatIsNotARequestClosesTheConnection() throws IOException {
        try (Socket raw = connect()) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.writeInt(Frame.maxFrameBytes(64 * 1024) + 1);
            out.writeByte(Frame.VERSION);
            out.writeByte(Frame.PING);
            out.writeInt(1);
            out.flush();

            assertThat(readsEndOfStream(raw)).isTrue();
        }
        assertThat(echo.echo("still here")).isEqualTo("still here");
    }

    @Test
    void oversizedRequestIsAnsweredWithTheReasonAndTheConnectionGoesOn() throws Exception {
        try (Socket raw = connect()) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            DataInputStream in = new DataInputStream(raw.getInputStream());

            out.write(request(1, Echo_Cleave.ECHO, "x".repeat(300_000))); // more than a frame the server reads
            out.write(request(2, Echo_Cleave.ECHO, "small"));
            out.flush();

            ByteBuffer first = readFrame(in);
            assertThat(first.get(1)).isEqualTo((byte) Frame.REPLY);
            assertThat(first.getInt(2)).isEqualTo(1);
            assertThatThrownBy(() -> Echo_Cleave.ECHO.readReply(new Reader(first.array(), Frame.HEADER_BYTES,
                    first.limit() - Frame.HEADER_BYTES), "raw"))
                    .isInstanceOfSatisfying(RemoteFailureException.class, e -> {
                        assertThat(e.remoteType()).isEqualTo(MessageTooLargeException.class.getName());
                        assertThat(e).hasMessageContaining("Echo.echo: its arguments encode to 300004 bytes, more than the"
                                + " 65536 a call between components may carry").hasMessageContaining("without running it");
                    });
            ByteBuffer second = readFrame(in);
            assertThat(second.getInt(2)).isEqualTo(2);
            assertThat(Echo_Cleave.ECHO.readReply(new Reader(second.array(), Frame.HEADER_BYTES,
                    second.limit() - Frame.HEADER_BYTES), "raw")).isEqualTo("small");
        }
    }

    private static byte[] request(int callId, MethodDescriptor method, Object... arguments) {
        Writer w = new Writer(64);
        method.writeArguments(w, arguments);
        return Frame.request(callId, method.component().getBytes(StandardCharsets.UTF_8), method.id(),
                TimeUnit.SECONDS.toMicros(10), new byte[0], w.buffer(), w.size());
    }

    private static ByteBuffer readFrame(DataInputStream in) throws IOException {
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return ByteBuffer.wrap(body);
    }

    @Test
    void wellSizedFrameWithWrongVersionClosesTheConnection() throws IOException {
        try (Socket raw = connect()) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.writeInt(6);
            out.writeByte(99);
            out.writeByte(Frame.REQUEST);
            out.writeInt(1);
            out.flush();

            assertThat(readsEndOfStream(raw)).isTrue();
        }
        assertThat(echo.echo("still here")).isEqualTo("still here");
    }

    @Test
    void requestWhoseStringsRunPastTheFrameClosesTheConnection() throws IOException {
        try (Socket raw = connect()) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.writeInt(8);
            out.writeByte(Frame.VERSION);
            out.writeByte(Frame.REQUEST);
            out.writeInt(1);
            out.writeShort(500); // component name claims 500 bytes; none follow
            out.flush();

            assertThat(readsEndOfStream(raw)).isTrue();
        }
        assertThat(echo.echo("still here")).isEqualTo("still here");
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket(server.address().getAddress(), server.address().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** True when the server closed the connection (end of stream or reset). */
    private static boolean readsEndOfStream(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketException reset) {
            return true;
        }
    }
}
