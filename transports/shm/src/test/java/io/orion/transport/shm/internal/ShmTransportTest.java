package io.orion.transport.shm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.orion.api.transport.Connection;
import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.FrameHandler;
import io.orion.api.transport.TransportClosedException;
import io.orion.protocol.shm.Parker;
import io.orion.protocol.shm.ShmHandshake;
import io.orion.protocol.shm.ShmLayout;
import io.orion.protocol.shm.ShmRing;
import io.orion.protocol.shm.WaitPolicy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared-memory transport with an echoing handler and a hand-made client that follows
 * protocol.md §6 step by step: the handshake, the unlinked file, frames through the rings, the
 * region, and how either side's end is noticed.
 */
class ShmTransportTest {
    private Path dir;
    private ShmTransport transport;
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

    @BeforeEach
    void open() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "orion-shm-test-");
        transport = new ShmTransport(ShmSettings.defaults().withDirectory(dir).withRegionMiB(8));
        assertEquals("shm://" + dir.resolve("orion.sock"), transport.open(echo));
    }

    @AfterEach
    void close() throws IOException {
        transport.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** A client that does by hand what protocol.md §6.1 says. */
    private final class Client implements AutoCloseable {
        final SocketChannel socket;
        final Arena arena = Arena.ofShared();
        final MemorySegment file;
        final ShmLayout layout;
        final ShmRing requests, replies;

        Client(int regionMiB) throws IOException {
            socket = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("orion.sock")));
            ShmHandshake.writeFully(socket, new ShmHandshake.Request(ProcessHandle.current().pid(), regionMiB).encode());
            ShmHandshake.Response r = ShmHandshake.Response.read(socket);
            if (r.status() != 0) throw new IOException("refused " + r.status() + ": " + r.text());
            try (FileChannel fc = FileChannel.open(Path.of(r.text()), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                file = fc.map(FileChannel.MapMode.READ_WRITE, 0, r.fileSize(), arena);
            }
            layout = ShmLayout.read(file);
            ShmHandshake.writeFully(socket, ByteBuffer.wrap(new byte[] {ShmHandshake.MAPPED}));
            requests = new ShmRing("request", layout.requestRing(file), layout.requestRingCapacity(), Parker.best());
            replies = new ShmRing("reply", layout.replyRing(file), layout.replyRingCapacity(), Parker.best());
        }

        ByteBuffer roundTrip(ByteBuffer frame) throws IOException {
            requests.write(WaitPolicy.DEFAULT, () -> {}, frame);
            ByteBuffer r = replies.take(new WaitPolicy(50_000, 10_000_000), () -> {});
            ByteBuffer copy = ByteBuffer.allocate(r.remaining()).put(r).flip();
            replies.release();
            return copy;
        }

        @Override public void close() throws IOException {
            socket.close();
            arena.close();
        }
    }

    @Test
    void framesRoundTripAndTheFileIsUnlinkedOnceMapped() throws Exception {
        try (Client c = new Client(16)) {
            assertEquals(16L << 20, c.layout.regionSize());
            for (int n : new int[] {24, 100, 200_000}) {
                ByteBuffer f = ByteBuffer.allocate(n);
                for (int i = 0; i < n; i++) f.put(i, (byte) i);
                assertEquals(f, c.roundTrip(f));
            }
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(1, s.count(), "only the socket is left in the directory");
            }
            Connection conn = connections.poll(5, TimeUnit.SECONDS);
            assertEquals(16L << 20, conn.sharedRegion().orElseThrow().byteSize());
            assertEquals(ShmRing.maxFrame(1 << 20), conn.maxFrameSize());
        }
        Object cause = closed.poll(5, TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, cause, "the client left: its end of the socket closed");
        assertFalse(cause instanceof TransportClosedException);
    }

    @Test
    void aDeadClientIsNoticedWithinAParkSlice() throws Exception {
        Client c = new Client(0);
        c.roundTrip(ByteBuffer.allocate(32));
        long t0 = System.nanoTime();
        c.socket.close(); // the process "dies": its end of the rendezvous socket closes
        Object cause = closed.poll(5, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertInstanceOf(IOException.class, cause);
        assertFalse(cause instanceof TransportClosedException);
        assertTrue(ms < 1000, "noticed after " + ms + " ms");
        c.arena.close();
    }

    @Test
    void closingTheTransportMarksTheFileAndTellsTheHandler() throws Exception {
        try (Client c = new Client(0)) {
            c.roundTrip(ByteBuffer.allocate(32));
            transport.close();
            assertInstanceOf(TransportClosedException.class, closed.poll(5, TimeUnit.SECONDS));
            assertTrue(ShmLayout.isClosed(c.file, true), "the server's closed flag is set");
            assertFalse(Files.exists(dir.resolve("orion.sock")));
        }
    }

    @Test
    void movingTheSocketRemovesTheOldOne() throws IOException {
        Path elsewhere = Files.createDirectories(dir.resolve("moved"));
        transport.reconfigure(ShmSettings.defaults().withDirectory(elsewhere));
        assertFalse(Files.exists(dir.resolve("orion.sock")), "the old socket file is gone");
        assertTrue(Files.exists(elsewhere.resolve("orion.sock")));
        assertEquals("shm://" + elsewhere.resolve("orion.sock"), transport.endpoint());
    }

    @Test
    void aRegionLargerThanAllowedIsRefused() {
        IOException e = assertThrows(IOException.class, () -> new Client(1 << 20));
        assertTrue(e.getMessage().contains("refused 2"), e.getMessage());
    }

    @Test
    void aSecondServerOnTheSameSocketIsRefusedAndStaleFilesAreRemoved() throws IOException {
        ShmTransport other = new ShmTransport(ShmSettings.defaults().withDirectory(dir));
        IOException e = assertThrows(IOException.class, () -> other.open(echo));
        assertTrue(e.getMessage().contains("another server listens"), e.getMessage());
        transport.close();
        Path stale = Files.createFile(dir.resolve("orion-00000000deadbeef.shm"));
        ShmTransport again = new ShmTransport(ShmSettings.defaults().withDirectory(dir));
        again.open(echo);
        assertFalse(Files.exists(stale), "a file left by a crash during a handshake is removed");
        again.close();
    }

    @Test
    void aClientThatNeverFinishesTheHandshakeIsDroppedAndItsFileRemoved() throws Exception {
        try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("orion.sock")))) {
            ShmHandshake.writeFully(s, new ShmHandshake.Request(1, 0).encode());
            ShmHandshake.Response r = ShmHandshake.Response.read(s);
            assertTrue(Files.exists(Path.of(r.text())));
            // no acknowledgement: after the handshake timeout the server gives up and removes the file
            for (int i = 0; i < 70 && Files.exists(Path.of(r.text())); i++) Thread.sleep(100);
            assertFalse(Files.exists(Path.of(r.text())));
        }
    }
}
