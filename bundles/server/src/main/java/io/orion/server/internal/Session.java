package io.orion.server.internal;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.api.server.SessionInfo;

/**
 * One client process: its vGPUs, the error its asynchronous calls latched, and where it stands in
 * its call sequence. It outlives connections: when its connection breaks it waits (detached) for
 * its client to come back, until its deadline.
 *
 * <p>{@link #lock} is held while a frame of the session is handled and while the session is
 * attached, detached or freed, so that these never interleave.
 */
final class Session {
    final long id;
    final long pid;
    final String host;
    final String client;
    final String groupId;
    final Instant started = Instant.now();
    final ReentrantLock lock = new ReentrantLock();

    private volatile List<SessionDevice> devices = List.of();
    private volatile List<Grant> grants = List.of();
    private volatile ConnectionHandler connection;
    private volatile long deadlineNanos;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    // guarded by lock
    private long lastHandledSeq;
    private int deferredStatus;
    private long deferredSeq;
    private String deferredMessage = "";
    private final ByteBuffer replyBuffer = ByteBuffer.allocate(64 * 1024);
    private ByteBuffer cachedReply = replyBuffer;
    private long cachedReplySeq = -1;

    Session(long id, long pid, String host, String client, String groupId) {
        this.id = id;
        this.pid = pid;
        this.host = host;
        this.client = client;
        this.groupId = groupId;
    }

    String idHex() { return String.format("%016x", id); }

    void open(List<Grant> grants, List<SessionDevice> devices) {
        this.grants = List.copyOf(grants);
        this.devices = List.copyOf(devices);
    }

    List<SessionDevice> devices() { return devices; }

    List<Grant> grants() { return grants; }

    SessionDevice device(int index) {
        List<SessionDevice> ds = devices;
        if (index < 0 || index >= ds.size())
            throw new GpuException(CudaError.INVALID_DEVICE, "device " + index + " does not exist; the session has " + ds.size());
        return ds.get(index);
    }

    ConnectionHandler connection() { return connection; }

    void attach(ConnectionHandler c) {
        connection = c;
        deadlineNanos = 0;
    }

    /** Detached: the client may resume until {@code deadline} (System.nanoTime()). */
    void detach(long deadline) {
        connection = null;
        deadlineNanos = deadline;
    }

    boolean detachedPast(long now) {
        return connection == null && !closed.get() && deadlineNanos != 0 && now - deadlineNanos >= 0;
    }

    boolean closed() { return closed.get(); }

    /** Marks the session closed; true for the one caller that closed it. */
    boolean markClosed() { return closed.compareAndSet(false, true); }

    // ---- call sequence and latched errors (under lock) ----------------------------------------

    long lastHandledSeq() { return lastHandledSeq; }

    void handled(long seq) { lastHandledSeq = seq; }

    /** Latches the first error of an asynchronous call; later ones are dropped until it is reported. */
    void latch(int status, long seq, String message) {
        if (deferredStatus != 0) return;
        deferredStatus = status;
        deferredSeq = seq;
        deferredMessage = message;
    }

    int deferredStatus() { return deferredStatus; }

    long deferredSeq() { return deferredSeq; }

    String deferredMessage() { return deferredMessage; }

    void clearDeferred() {
        deferredStatus = 0;
        deferredSeq = 0;
        deferredMessage = "";
    }

    /** Keeps a copy of the last synchronous reply, to send again if the client lost it in a reconnect. */
    void cacheReply(long seq, ByteBuffer... parts) {
        int n = 0;
        for (ByteBuffer p : parts) n += p.remaining();
        // replies are small; a large one (a big PING) gets a buffer of its own until the next reply
        cachedReply = n <= replyBuffer.capacity() ? replyBuffer : ByteBuffer.allocate(n);
        cachedReply.clear();
        for (ByteBuffer p : parts) cachedReply.put(p.duplicate());
        cachedReply.flip();
        cachedReplySeq = seq;
    }

    /** The cached reply if it is newer than {@code lastReceived} (sequence numbers wrap), else null. */
    ByteBuffer cachedReplyAfter(long lastReceived) {
        if (cachedReplySeq < 0 || (int) (cachedReplySeq - lastReceived) <= 0) return null;
        return cachedReply.duplicate();
    }

    /** Forgets the cached reply (the last call had none that could be sent again). */
    void dropCachedReply() { cachedReplySeq = -1; }

    SessionInfo info() {
        ConnectionHandler c = connection;
        return new SessionInfo(id, pid, host, client, groupId,
                c == null ? SessionInfo.State.DETACHED : SessionInfo.State.ATTACHED,
                c == null ? "" : c.transport(), c == null ? "" : c.peer(), started,
                devices.stream().map(SessionDevice::usage).toList());
    }

    @Override
    public String toString() {
        return "session " + idHex() + " (pid " + pid + "@" + host + ", " + client + ")";
    }
}
