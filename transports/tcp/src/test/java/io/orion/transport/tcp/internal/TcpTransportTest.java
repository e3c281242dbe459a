package io.orion.transport.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.orion.api.transport.Connection;
import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.FrameHandler;
import io.orion.api.transport.TransportClosedException;
import io.orion.protocol.FrameHeader;
import io.orion.protocol.Wire;
import io.orion.protocol.stream.FrameStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TCP transport with an echoing handler: framing, pipelining, large frames, bad input, closing. */
class TcpTransportTest {
    private TcpTransport transport;
    private final LinkedBlockingQueue<Object> closed = new LinkedBlockingQueue<>();
    private int port;

    /** Echoes every frame back; records how each connection ended. */
    private final ConnectionAcceptor echo = (Connection c) -> new FrameHandler() {
        @Override public void onFrame(ByteBuffer frame) {
            try {
                c.send(frame);
            } catch (IOException e) {
                c.close();
            }
        }

        @Override public void onClosed(Throwable cause) {
            closed.add(cause == null ? "orderly" : cause);
        }
    };

    @BeforeEach
    void open() throws IOException {
        transport = new TcpTransport(TcpSettings.defaults().withBindAddress("127.0.0.1").withPort(0));
        String ep = transport.open(echo);
        assertTrue(ep.startsWith("tcp://127.0.0.1:"), ep);
        port = Integer.parseInt(ep.substring(ep.lastIndexOf(':') + 1));
    }

    @AfterEach
    void close() {
        transport.close();
    }

    private FrameStream connect() throws IOException {
        return new FrameStream(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)), Wire.DEFAULT_MAX_PAYLOAD + Wire.HEADER_SIZE, 0);
    }

    private static ByteBuffer frame(long seq, int payload) {
        ByteBuffer b = ByteBuffer.allocate(Wire.HEADER_SIZE + payload).order(Wire.ORDER);
        new FrameHeader(1, 0, 3, seq, payload, 42).write(b, 0);
        for (int i = 0; i < payload; i++) b.put(Wire.HEADER_SIZE + i, (byte) (seq + i));
        return b;
    }

    @Test
    void pipelinedFramesOfEverySizeComeBackInOrder() throws IOException {
        try (FrameStream s = connect()) {
            int[] sizes = {0, 1, 100, 65_536, 3 << 20, 7};
            for (int i = 0; i < sizes.length; i++) s.write(frame(i, sizes[i]));
            for (int i = 0; i < sizes.length; i++) {
                ByteBuffer f = s.read();
                assertEquals(frame(i, sizes[i]), f, "frame " + i);
            }
        }
    }

    @Test
    void aBadMagicClosesTheConnection() throws Exception {
        try (FrameStream s = connect()) {
            ByteBuffer f = frame(1, 8);
            f.put(0, (byte) 0);
            s.write(f);
            assertNull(s.read(), "the server closed the connection");
        }
        assertInstanceOf(io.orion.protocol.ProtocolException.class, closed.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aLengthOverTheLimitClosesTheConnectionBeforeReadingIt() throws Exception {
        try (FrameStream s = connect()) {
            ByteBuffer f = frame(1, 0);
            f.putInt(12, Integer.MAX_VALUE);
            s.write(f);
            assertNull(s.read());
        }
        assertInstanceOf(io.orion.protocol.ProtocolException.class, closed.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aClientThatLeavesIsAnOrderlyClose() throws Exception {
        try (FrameStream s = connect()) {
            s.write(frame(1, 4));
            s.read();
        }
        assertEquals("orderly", closed.poll(5, TimeUnit.SECONDS));
        assertTrue(waitFor(() -> transport.connectionCount() == 0));
    }

    @Test
    void closingTheTransportTellsTheHandlerItWasTheTransport() throws Exception {
        FrameStream s = connect();
        s.write(frame(1, 4));
        s.read();
        transport.close();
        assertInstanceOf(TransportClosedException.class, closed.poll(5, TimeUnit.SECONDS));
        assertEquals("", transport.endpoint());
        assertThrows(IOException.class, () -> {
            s.write(frame(2, 4));
            if (s.read() == null) throw new IOException("closed");
        });
        s.close();
    }

    @Test
    void theListenerMovesWhenItsPortIsReconfigured() throws Exception {
        transport.reconfigure(TcpSettings.defaults().withBindAddress("127.0.0.1").withPort(0));
        String ep = transport.endpoint();
        int moved = Integer.parseInt(ep.substring(ep.lastIndexOf(':') + 1));
        try (FrameStream s = new FrameStream(SocketChannel.open(new InetSocketAddress("127.0.0.1", moved)), 1 << 20, 0)) {
            s.write(frame(9, 3));
            assertEquals(frame(9, 3), s.read());
        }
    }

    @Test
    void aPortInUseIsAClearError() throws IOException {
        TcpTransport second = new TcpTransport(TcpSettings.defaults().withBindAddress("127.0.0.1").withPort(port));
        IOException e = assertThrows(IOException.class, () -> second.open(echo));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    private static boolean waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 500 && !c.getAsBoolean(); i++) Thread.sleep(10);
        return c.getAsBoolean();
    }
}
