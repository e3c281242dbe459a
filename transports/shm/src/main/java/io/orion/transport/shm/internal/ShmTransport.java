package io.orion.transport.shm.internal;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.Transport;
import io.orion.protocol.ProtocolException;
import io.orion.protocol.shm.ShmHandshake;
import io.orion.protocol.shm.ShmLayout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared-memory transport without OSGi. A client connects to the rendezvous socket, asks for a
 * file, maps the one the server made and acknowledges; the server unlinks the file (nothing is left
 * behind when either side dies) and starts polling its request ring. Docs: protocol.md §6.
 */
public final class ShmTransport implements Transport {
    public static final String NAME = "shm";
    private static final Logger LOG = LoggerFactory.getLogger(ShmTransport.class);
    private static final String FILE_PREFIX = "orion-", FILE_SUFFIX = ".shm";
    private static final int HANDSHAKE_TIMEOUT_MS = 5000;

    private final Set<ShmConnection> connections = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    private volatile ShmSettings settings;
    private ServerSocketChannel listener;
    private Path boundSocket;
    private ConnectionAcceptor acceptor;
    private volatile String endpoint = "";

    public ShmTransport(ShmSettings settings) {
        this.settings = settings;
    }

    @Override public String name() { return NAME; }

    @Override
    public synchronized String open(ConnectionAcceptor acceptor) throws IOException {
        if (listener != null) throw new IOException("shm transport is already open at " + endpoint);
        ShmSettings s = settings;
        Files.createDirectories(s.directory());
        removeStaleFiles(s.directory());
        Path sock = s.socketPath();
        if (Files.exists(sock)) {
            if (somebodyListens(sock)) throw new IOException("another server listens on " + sock);
            Files.delete(sock);
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(sock));
            Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString(s.fileMode()));
        } catch (IOException | UnsupportedOperationException e) {
            ch.close();
            throw new IOException("cannot listen on " + sock + ": " + e.getMessage(), e);
        }
        listener = ch;
        boundSocket = sock;
        this.acceptor = acceptor;
        endpoint = "shm://" + sock;
        Thread.ofPlatform().name("orion-shm-accept").daemon().start(() -> acceptLoop(ch, acceptor));
        return endpoint;
    }

    private static boolean somebodyListens(Path sock) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            return c.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** Files of connections whose handshake a crash interrupted (the rest were unlinked at once). */
    private static void removeStaleFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, FILE_PREFIX + "*" + FILE_SUFFIX)) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
                LOG.info("shm: removed the stale file {}", p);
            }
        }
    }

    private void acceptLoop(ServerSocketChannel ch, ConnectionAcceptor acceptor) {
        while (ch.isOpen()) {
            SocketChannel c;
            try {
                c = ch.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("shm accept failed: {}", e.getMessage());
                continue;
            }
            // the handshake waits for the client: never on the accept thread
            Thread.ofPlatform().name("orion-shm-handshake").daemon().start(() -> handshake(c, acceptor));
        }
    }

    private void handshake(SocketChannel c, ConnectionAcceptor acceptor) {
        ShmSettings s = settings;
        Path file = null;
        Arena arena = null;
        try {
            long deadline = System.nanoTime() + HANDSHAKE_TIMEOUT_MS * 1_000_000L;
            c.configureBlocking(false);
            ShmHandshake.Request req = ShmHandshake.Request.decode(readBefore(c, ShmHandshake.REQUEST_BYTES, deadline));
            int mib = req.regionMiB() == 0 ? s.regionMiB() : req.regionMiB();
            if (mib > s.maxRegionMiB()) {
                ShmHandshake.writeFully(c, ShmHandshake.Response.error(2, "a region of " + mib + " MiB exceeds this server's limit of "
                        + s.maxRegionMiB() + " MiB").encode());
                c.close();
                return;
            }
            ShmLayout layout = new ShmLayout((long) s.requestRingKiB() << 10, (long) s.replyRingKiB() << 10, (long) mib << 20);
            file = s.directory().resolve(FILE_PREFIX + HexFormat.of().toHexDigits(random.nextLong()) + FILE_SUFFIX);
            arena = Arena.ofShared();
            MemorySegment map;
            try (FileChannel fc = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(s.fileMode()));
                fc.write(ByteBuffer.allocate(1), layout.fileSize() - 1);
                map = fc.map(FileChannel.MapMode.READ_WRITE, 0, layout.fileSize(), arena);
            }
            layout.initialize(map, ProcessHandle.current().pid());
            ShmHandshake.writeFully(c, ShmHandshake.Response.ok(file.toString(), layout.fileSize()).encode());
            ByteBuffer ack = readBefore(c, 1, deadline);
            if (ack.get(0) != ShmHandshake.MAPPED) throw ProtocolException.framing("shm handshake: bad acknowledgement " + ack.get(0));
            Files.delete(file);
            file = null;
            ShmConnection conn = new ShmConnection(this, c, arena, map, layout, s, req.pid());
            synchronized (this) {
                if (listener == null) { // closed meanwhile
                    conn.closeByTransport();
                    arena.close();
                    return;
                }
                connections.add(conn);
            }
            conn.start(acceptor);
        } catch (IOException | RuntimeException e) {
            LOG.warn("shm: handshake with a client failed: {}", e.toString());
            try {
                c.close();
            } catch (IOException ignored) {
                // already failing
            }
            if (arena != null) arena.close();
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // removed at the next open at the latest
                }
            }
        }
    }

    /** Reads {@code n} bytes from a non-blocking channel, or fails when the client takes longer than the deadline. */
    private static ByteBuffer readBefore(SocketChannel c, int n, long deadline) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        try (Selector sel = Selector.open()) {
            c.register(sel, SelectionKey.OP_READ);
            while (b.hasRemaining()) {
                if (c.read(b) < 0) throw new EOFException("the client left during the shm handshake");
                if (!b.hasRemaining()) break;
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) throw new IOException("the client did not complete the shm handshake within " + HANDSHAKE_TIMEOUT_MS + " ms");
                sel.select(left);
                sel.selectedKeys().clear();
            }
        }
        return b.flip();
    }

    void forget(ShmConnection c) {
        connections.remove(c);
    }

    public int connectionCount() { return connections.size(); }

    @Override
    public synchronized void close() {
        if (listener == null) return;
        try {
            listener.close();
            Files.deleteIfExists(boundSocket); // where it listened, which a reconfiguration may have changed since
        } catch (IOException e) {
            LOG.debug("shm: closing the listener: {}", e.getMessage());
        }
        listener = null;
        endpoint = "";
        for (ShmConnection c : List.copyOf(connections)) c.closeByTransport();
    }

    /** New settings apply to new connections; a new directory or socket name moves the listener. */
    public synchronized void reconfigure(ShmSettings s) throws IOException {
        ShmSettings old = settings;
        settings = s;
        if (listener != null && !old.socketPath().equals(s.socketPath())) {
            ConnectionAcceptor a = acceptor;
            close();
            open(a);
        }
    }

    @Override public String endpoint() { return endpoint; }
}
