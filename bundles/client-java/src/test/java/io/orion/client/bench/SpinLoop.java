package io.orion.client.bench;

import java.util.Arrays;

/**
 * Keeps one device saturated with spin kernels on a thread of its own: launch, record an event,
 * and wait for the event of the kernel {@value #DEPTH} back, so that a few kernels are always
 * queued. Each completion is stamped with the host clock; a window's share is the kernels
 * completed in it times their calibrated duration, over the window.
 */
public abstract class SpinLoop {
    static final int DEPTH = 3;
    private long[] stamps = new long[1 << 16];
    private int count;
    private volatile boolean running;
    private Thread thread;
    private volatile Throwable failure;
    final String name;

    SpinLoop(String name) {
        this.name = name;
    }

    /** Queues one kernel. */
    abstract void launch();

    /** Records event {@code slot} after what is queued. */
    abstract void record(int slot);

    /** Waits for event {@code slot}. */
    abstract void await(int slot);

    /** Waits until everything queued is done. */
    abstract void drain();

    public synchronized void start() {
        if (thread != null) throw new IllegalStateException(name + " runs already");
        count = 0;
        failure = null;
        running = true;
        thread = Thread.ofPlatform().name("spin-" + name).start(this::run);
    }

    private void run() {
        try {
            long i = 0;
            while (running) {
                launch();
                record((int) (i % DEPTH));
                if (i >= DEPTH - 1) {
                    await((int) ((i - DEPTH + 1) % DEPTH));
                    stamp(System.nanoTime());
                }
                i++;
            }
            drain();
        } catch (Throwable e) {
            failure = e;
        }
    }

    private synchronized void stamp(long t) {
        if (count == stamps.length) stamps = Arrays.copyOf(stamps, 2 * count);
        stamps[count++] = t;
    }

    /** Stops and waits for the thread, which drains its device. */
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t == null) return;
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) throw new IllegalStateException(name + " failed: " + failure, failure);
    }

    /** Kernels that completed in [from, to) (host nanoTime). */
    public synchronized int completed(long from, long to) {
        int n = 0;
        for (int i = 0; i < count; i++) if (stamps[i] >= from && stamps[i] < to) n++;
        return n;
    }
}
