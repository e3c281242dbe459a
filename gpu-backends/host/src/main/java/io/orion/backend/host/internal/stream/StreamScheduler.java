package io.orion.backend.host.internal.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuStream;

/**
 * Orders a context's work as CUDA does. Every operation waits for the previous operation of its
 * stream; work on the legacy default stream also waits for all earlier work on blocking streams,
 * and work on a blocking stream waits for earlier default-stream work. Non-blocking streams only
 * follow their own order. Operations run on {@code executor}; none runs before its dependencies.
 *
 * <p>Errors of queued work latch: the first one is kept, the work queued after it is skipped, and
 * every later call reports it (CUDA's "sticky" errors, such as an illegal address in a kernel).
 */
public final class StreamScheduler {
    /** One piece of queued work. */
    @FunctionalInterface
    public interface Op {
        void run() throws Exception;
    }

    private final Executor executor;
    private final LongSupplier clock;
    private final Runnable queued, done;
    private final HostStream legacy = new HostStream(this, false, 0, true);
    private final Set<HostStream> streams = ConcurrentHashMap.newKeySet();
    private final List<CompletableFuture<Void>> retired = new ArrayList<>();
    private volatile GpuException failure;
    private volatile boolean closed;

    /** Events timed by {@link System#nanoTime()}. */
    public StreamScheduler(Executor executor) {
        this(executor, System::nanoTime, () -> { }, () -> { });
    }

    /**
     * @param clock  what a timing event records when its stream reaches it
     * @param queued told of every operation queued
     * @param done   told when a queued operation is over (run, failed or skipped), on its stream's thread
     */
    public StreamScheduler(Executor executor, LongSupplier clock, Runnable queued, Runnable done) {
        this.executor = executor;
        this.clock = clock;
        this.queued = queued;
        this.done = done;
    }

    // ---- streams and events ----------------------------------------------------------------------

    public HostStream create(boolean nonBlocking, int priority) {
        HostStream s = new HostStream(this, nonBlocking, priority, false);
        streams.add(s);
        return s;
    }

    /** Forgets a stream; its queued work still completes, and the default stream still waits for it. */
    public void destroy(GpuStream stream) {
        HostStream s = own(stream);
        if (s == legacy) throw new GpuException(CudaError.INVALID_HANDLE, "the default stream cannot be destroyed");
        if (!streams.remove(s)) throw new GpuException(CudaError.INVALID_HANDLE, "stream already destroyed");
        synchronized (this) {
            if (!s.nonBlocking && !s.tail.isDone()) retired.add(s.tail);
        }
    }

    public HostEvent createEvent(boolean timing, boolean blockingSync) {
        return new HostEvent(this, timing, blockingSync);
    }

    /** The stream a handle names (null: the default stream); INVALID_HANDLE for other contexts' or destroyed streams. */
    public HostStream own(GpuStream stream) {
        if (stream == null) return legacy;
        if (!(stream instanceof HostStream s) || s.owner != this || (!s.legacyDefault && !streams.contains(s)))
            throw new GpuException(CudaError.INVALID_HANDLE, "unknown stream " + stream);
        return s;
    }

    public HostEvent own(GpuEvent event) {
        if (!(event instanceof HostEvent e) || e.owner != this)
            throw new GpuException(CudaError.INVALID_HANDLE, "unknown event " + event);
        return e;
    }

    // ---- queueing ----------------------------------------------------------------------------------

    /** Queues {@code op} on a stream (null: the default stream); returns its completion. */
    public CompletableFuture<Void> enqueue(GpuStream stream, Op op) {
        return enqueue(own(stream), op, null, false);
    }

    private synchronized CompletableFuture<Void> enqueue(HostStream s, Op op, CompletableFuture<Void> extra, boolean always) {
        if (closed) throw new GpuException(CudaError.INVALID_CONTEXT, "the context is closed");
        List<CompletableFuture<Void>> deps = new ArrayList<>();
        deps.add(s.tail);
        if (s.legacyDefault) {
            for (HostStream other : streams) if (!other.nonBlocking) deps.add(other.tail);
            retired.removeIf(CompletableFuture::isDone);
            deps.addAll(retired);
        } else if (!s.nonBlocking) {
            deps.add(legacy.tail);
        }
        if (extra != null) deps.add(extra);
        queued.run();
        CompletableFuture<Void> f = CompletableFuture.allOf(deps.toArray(new CompletableFuture<?>[0]))
                .thenRunAsync(() -> run(op, always), executor);
        s.tail = f;
        return f;
    }

    private void run(Op op, boolean always) {
        try {
            runOrSkip(op, always);
        } finally {
            done.run();
        }
    }

    private void runOrSkip(Op op, boolean always) {
        if (!always && (failure != null || closed)) return;
        try {
            op.run();
        } catch (GpuException e) {
            fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(new GpuException(CudaError.LAUNCH_FAILED, "queued work was interrupted"));
        } catch (Exception | Error e) {
            fail(new GpuException(CudaError.UNKNOWN, "queued work failed: " + e));
        }
    }

    /**
     * Runs {@code action} in the calling thread once the stream has reached this point, holding the
     * stream (and whatever waits for it) until it returns: a synchronous operation in stream order.
     * The caller's memory need not be reachable from other threads.
     */
    public void runInline(GpuStream stream, Runnable action) {
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        enqueue(own(stream), () -> {
            reached.countDown();
            done.await();
        }, null, true);
        try {
            awaitUninterruptibly(reached);
            throwIfFailed();
            action.run();
        } finally {
            done.countDown();
        }
    }

    /** Makes later work on {@code stream} wait for the event's recorded work (a no-op if never recorded). */
    public void waitEvent(GpuStream stream, GpuEvent event) {
        HostEvent e = own(event);
        CompletableFuture<Void> recorded = e.recorded;
        if (recorded == null) return;
        enqueue(own(stream), () -> { }, recorded, true);
    }

    public void record(GpuEvent event, GpuStream stream) {
        HostEvent e = own(event);
        e.recorded = enqueue(own(stream), () -> e.nanos = clock.getAsLong(), null, true);
    }

    // ---- waiting ----------------------------------------------------------------------------------

    public void synchronize(GpuStream stream) {
        own(stream).tail.join();
        throwIfFailed();
    }

    public boolean isIdle(GpuStream stream) {
        boolean done = own(stream).tail.isDone();
        throwIfFailed();
        return done;
    }

    public void synchronize(GpuEvent event) {
        CompletableFuture<Void> r = own(event).recorded;
        if (r != null) r.join();
        throwIfFailed();
    }

    public boolean isComplete(GpuEvent event) {
        CompletableFuture<Void> r = own(event).recorded;
        throwIfFailed();
        return r == null || r.isDone();
    }

    public float elapsedMillis(GpuEvent start, GpuEvent end) {
        HostEvent a = own(start);
        HostEvent b = own(end);
        if (!a.timing || !b.timing)
            throw new GpuException(CudaError.INVALID_HANDLE, "an event created without timing cannot be timed");
        if (a.recorded == null || b.recorded == null)
            throw new GpuException(CudaError.INVALID_HANDLE, "both events must be recorded before they are timed");
        if (!a.recorded.isDone() || !b.recorded.isDone())
            throw new GpuException(CudaError.NOT_READY, "the events' work is not done yet");
        throwIfFailed();
        return (b.nanos - a.nanos) / 1_000_000f;
    }

    /** Waits for all queued work of every stream; reports the first error. */
    public void synchronizeAll() {
        waitAll();
        throwIfFailed();
    }

    private void waitAll() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        synchronized (this) {
            all.add(legacy.tail);
            for (HostStream s : streams) all.add(s.tail);
            all.addAll(retired);
        }
        for (CompletableFuture<Void> f : all) f.join();
    }

    // ---- errors and shutdown -------------------------------------------------------------------------

    /** Latches the first error of queued work. */
    public void fail(GpuException e) {
        synchronized (this) {
            if (failure == null) failure = e;
        }
    }

    public GpuException failure() {
        return failure;
    }

    public void throwIfFailed() {
        GpuException f = failure;
        if (f != null) throw new GpuException(f.error(), f.getMessage().substring(f.error().name().length() + 2));
    }

    /** Stops accepting work, skips what has not started, and waits for what runs. */
    public void close() {
        closed = true;
        waitAll();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
