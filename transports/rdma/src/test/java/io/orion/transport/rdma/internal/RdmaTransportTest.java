package io.orion.transport.rdma.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.orion.api.transport.Connection;
import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.FrameHandler;
import io.orion.api.transport.TransportClosedException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rdma transport with an echoing handler and a hand-made client, over UCX's shared-memory
 * transports (one-sided RDMA runs there; there is no RDMA hardware in CI): the rendezvous, frames
 * as UCX messages, puts and gets on the registered region, and how either side's end is noticed.
 */
class RdmaTransportTest {
    static final String[] SHM = {"TLS=shm,self"};
    private RdmaTransport transport;
    private int port;
    private final LinkedBlockingQueue<Object> closed = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Connection> connections = new LinkedBlockingQueue<>();

    private final ConnectionAcceptor echo = c -> {
        connections.add(c);
        return new FrameHandler() {
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
    };

    @BeforeAll
    static void ucx() {
        UcxRequirement.require();
    }

    @BeforeEach
    void open() throws IOException {
        transport = new RdmaTransport(RdmaSettings.defaults().withBindAddress("127.0.0.1").withPort(0).withRegionMiB(8).withUcx(SHM));
        String endpoint = transport.open(echo);
        assertTrue(endpoint.startsWith("rdma://127.0.0.1:"), endpoint);
        port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    @AfterEach
    void close() {
        transport.close();
    }

    private static ByteBuffer pattern(int n, int seed) {
        ByteBuffer b = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) b.put(i, (byte) (i * 31 + seed));
        return b;
    }

    @Test
    void framesOfEverySizeRoundTrip() throws Exception {
        try (HandMadeClient c = new HandMadeClient(port, 0, false, SHM)) {
            assertFalse(c.response.rma(), "no region without asking for one");
            assertEquals(!RdmaDevices.in(RdmaDevices.SYS).isEmpty(), c.response.serverHasDevice(), "the server says whether it has an RDMA device");
            for (int n : new int[] {24, 100, 65_536, 3_000_000}) assertEquals(pattern(n, n), c.roundTrip(pattern(n, n)), n + " bytes");
            Connection conn = connections.poll(5, TimeUnit.SECONDS);
            assertTrue(conn.sharedRegion().isEmpty());
            assertEquals("rdma", conn.transport());
            assertTrue(conn.peer().contains("pid " + ProcessHandle.current().pid()), conn.peer());
        }
    }

    @Test
    void theClientWritesAndReadsTheRegionByOneSidedRdma() throws Exception {
        try (HandMadeClient c = new HandMadeClient(port, 4, true, SHM)) {
            assertTrue(c.response.rma());
            assertEquals(4L << 20, c.response.regionSize());
            Connection conn = connections.poll(5, TimeUnit.SECONDS);
            MemorySegment region = conn.sharedRegion().orElseThrow();
            assertEquals(4L << 20, region.byteSize());
            assertEquals(c.response.regionAddress(), region.address());

            MemorySegment src = c.arena.allocate(1 << 20, 4096);
            for (long i = 0; i < src.byteSize(); i += 8) src.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 7 + 1);
            c.put(src, 3L << 20);
            assertEquals(-1, region.asSlice(3L << 20, 1 << 20).mismatch(src), "the put landed where it was aimed");

            region.asSlice(12345, 8).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0x0badf00dL);
            MemorySegment dst = c.arena.allocate(8);
            c.get(12345, dst);
            assertEquals(0x0badf00dL, dst.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        }
    }

    @Test
    void aRegionLargerThanAllowedIsRefused() {
        IOException e = assertThrows(IOException.class, () -> new HandMadeClient(port, 1 << 20, true, SHM));
        assertTrue(e.getMessage().contains("refused 2") && e.getMessage().contains("exceeds this server's limit"), e.getMessage());
    }

    @Test
    void withoutRmaTheServerOffersNoRegion() throws Exception {
        transport.reconfigure(RdmaSettings.defaults().withBindAddress("127.0.0.1").withPort(port).withRma(false).withUcx(SHM));
        try (HandMadeClient c = new HandMadeClient(port, 4, true, SHM)) {
            assertFalse(c.response.rma());
            assertEquals(pattern(1000, 1), c.roundTrip(pattern(1000, 1)));
            assertTrue(connections.poll(5, TimeUnit.SECONDS).sharedRegion().isEmpty());
        }
    }

    @Test
    void aDeadClientIsNoticedAtOnce() throws Exception {
        HandMadeClient c = new HandMadeClient(port, 0, false, SHM);
        c.roundTrip(pattern(64, 0));
        long t0 = System.nanoTime();
        c.socket.close(); // the process "dies": its end of the rendezvous socket closes
        Object cause = closed.poll(5, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertInstanceOf(IOException.class, cause);
        assertFalse(cause instanceof TransportClosedException);
        assertTrue(ms < 1000, "noticed after " + ms + " ms");
        c.close();
        // the handler hears of the close first; the UCX teardown (endpoint, region, worker) follows it
        long until = System.nanoTime() + 5_000_000_000L;
        while (transport.connectionCount() != 0 && System.nanoTime() < until) Thread.sleep(10);
        assertEquals(0, transport.connectionCount(), "the dead client's connection is torn down");
    }

    @Test
    void closingTheTransportTellsTheHandlerAndTheClient() throws Exception {
        try (HandMadeClient c = new HandMadeClient(port, 0, true, SHM)) {
            c.roundTrip(pattern(64, 0));
            transport.close();
            assertInstanceOf(TransportClosedException.class, closed.poll(5, TimeUnit.SECONDS));
            ByteBuffer eof = ByteBuffer.allocate(1);
            c.socket.configureBlocking(true);
            assertEquals(-1, c.socket.read(eof), "the rendezvous socket ends");
            assertEquals("", transport.endpoint());
            assertEquals(0, transport.connectionCount());
        }
    }

    @Test
    void closingDuringAHandshakeDoesNotWaitForTheClient() throws Exception {
        try (var s = java.nio.channels.SocketChannel.open(new java.net.InetSocketAddress("127.0.0.1", port))) {
            s.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            Thread.sleep(200); // the server is now waiting for the rest of the request
            long t0 = System.nanoTime();
            transport.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 2000, "close took " + ms + " ms");
            assertEquals(-1, s.read(ByteBuffer.allocate(1)), "the half-done handshake is ended");
        }
        open(); // and the transport opens again, with a fresh UCX context
        try (HandMadeClient c = new HandMadeClient(port, 0, false, SHM)) {
            assertEquals(pattern(64, 3), c.roundTrip(pattern(64, 3)));
        }
    }

    @Test
    void aClientThatNeverFinishesTheHandshakeIsDropped() throws Exception {
        try (var s = java.nio.channels.SocketChannel.open(new java.net.InetSocketAddress("127.0.0.1", port))) {
            s.write(ByteBuffer.wrap(new byte[] {1, 2, 3})); // a few bytes of a request, then nothing
            ByteBuffer b = ByteBuffer.allocate(1);
            long t0 = System.nanoTime();
            assertEquals(-1, s.read(b), "the server gives up and closes");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 4000 && ms < 8000, "after " + ms + " ms");
        }
        assertNull(connections.poll());
    }
}
