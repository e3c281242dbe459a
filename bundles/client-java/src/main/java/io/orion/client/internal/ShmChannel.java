package io.orion.client.internal;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.protocol.shm.Liveness;
import io.orion.protocol.shm.Parker;
import io.orion.protocol.shm.ShmHandshake;
import io.orion.protocol.shm.ShmLayout;
import io.orion.protocol.shm.ShmRing;
import io.orion.protocol.shm.WaitPolicy;

/**
 * A shared-memory connection to a server on this node (docs/protocol.md §6): the rendezvous
 * handshake, then frames through the two rings; the rendezvous socket stays open so that each side
 * notices when the other is gone.
 */
final class ShmChannel implements Channel {
    private final SocketChannel socket;
    private final MemorySegment file;
    private final ShmRing requests;
    private final ShmRing replies;
    private final RegionAllocator allocator;
    private final WaitPolicy wait;
    private final int maxFrame;
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private final Liveness alive = this::checkAlive;
    private boolean holding;
    private boolean closed;

    private ShmChannel(SocketChannel socket, MemorySegment file, ShmLayout layout, Arena arena, WaitPolicy wait) {
        this.socket = socket;
        this.file = file;
        Parker parker = Parker.best();
        this.requests = new ShmRing("request", layout.requestRing(file), layout.requestRingCapacity(), parker);
        this.replies = new ShmRing("reply", layout.replyRing(file), layout.replyRingCapacity(), parker);
        this.allocator = new RegionAllocator(layout.region(file), arena);
        this.wait = wait;
        this.maxFrame = Math.min(requests.maxFrame(), replies.maxFrame());
    }

    static ShmChannel connect(Endpoint e, int regionMiB, WaitPolicy wait) throws IOException {
        SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(e.socket()));
        Arena arena = null;
        try {
            ShmHandshake.writeFully(s, new ShmHandshake.Request(ProcessHandle.current().pid(), regionMiB).encode());
            ShmHandshake.Response r = ShmHandshake.Response.read(s);
            if (r.status() != 0) throw new GpuException(CudaError.of(r.status()), "the shm server refused: " + r.text());
            arena = Arena.ofShared();
            MemorySegment map;
            try (FileChannel fc = FileChannel.open(Path.of(r.text()), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (fc.size() < r.fileSize()) throw new IOException("shared file " + r.text() + " is smaller than announced");
                map = fc.map(FileChannel.MapMode.READ_WRITE, 0, r.fileSize(), arena);
            }
            ShmLayout layout = ShmLayout.read(map);
            ShmLayout.setClientPid(map, ProcessHandle.current().pid());
            ShmHandshake.writeFully(s, ByteBuffer.wrap(new byte[] {ShmHandshake.MAPPED}));
            s.configureBlocking(false);
            return new ShmChannel(s, map, layout, arena, wait);
        } catch (IOException | RuntimeException ex) {
            s.close();
            if (arena != null) arena.close();
            throw ex;
        }
    }

    private void checkAlive() throws IOException {
        if (closed) throw new EOFException("connection closed");
        if (ShmLayout.isClosed(file, true)) throw new EOFException("the server closed the connection");
        probe.clear();
        if (socket.read(probe) < 0) throw new EOFException("the server is gone (rendezvous socket closed)");
    }

    @Override public String name() { return "shm"; }

    @Override public void send(ByteBuffer... parts) throws IOException {
        if (closed) throw new EOFException("connection closed");
        requests.write(wait, alive, parts);
    }

    @Override public ByteBuffer receive(long deadlineNanos) throws IOException {
        if (holding) {
            replies.release();
            holding = false;
        }
        Liveness until = deadlineNanos == 0 ? alive : () -> {
            alive.check();
            if (System.nanoTime() - deadlineNanos > 0) throw new java.net.SocketTimeoutException("no reply within the deadline");
        };
        ByteBuffer f = replies.take(wait, until);
        holding = true;
        return f;
    }

    @Override public int maxFrame() { return maxFrame; }

    @Override public MemorySegment region() { return allocator.region(); }

    @Override public RegionAllocator allocator() { return allocator; }

    @Override public void close() {
        if (closed) return;
        closed = true;
        try {
            ShmLayout.markClosed(file, false);
            requests.wakeAll();
            replies.wakeAll();
        } catch (IllegalStateException alreadyUnmapped) {
            // nothing to tell
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // going away anyway
        }
        allocator.retire();
    }
}
