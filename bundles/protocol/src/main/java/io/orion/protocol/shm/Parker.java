package io.orion.protocol.shm;

import java.lang.foreign.MemorySegment;

/**
 * Puts a thread to sleep on a 32-bit word of shared memory until another process changes it and
 * wakes it: the futex on Linux ({@link Futex}), a short timed sleep elsewhere ({@link PollingParker}).
 */
public interface Parker {

    /**
     * Sleeps while the word at {@code word} (4 bytes, aligned) still holds {@code expected}, until a
     * {@link #wake}, or at most {@code timeoutNanos}. May return early for no reason; callers re-check.
     */
    void await(MemorySegment word, int expected, long timeoutNanos);

    /** Wakes the threads (of any process) sleeping on the word. */
    void wake(MemorySegment word);

    /** A name for logs and benchmarks. */
    String name();

    /** The futex where the platform has one, else polling. */
    static Parker best() {
        Parker futex = Futex.load();
        return futex != null ? futex : new PollingParker();
    }
}
