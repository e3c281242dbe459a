package io.orion.backend.host.internal;

/**
 * Where the host backend reads the time its timing events record, and whom it tells about the work
 * its streams run. The system clock by default ({@link #SYSTEM}). A test that must time work
 * exactly (the compute gate's, docs/compute-sharing.md) gives its own: for example one that
 * advances by a fixed cost per thread-instruction a kernel executed ({@link #kernelRan}) and
 * otherwise only while no work is queued ({@link #workQueued}, {@link #workDone}), so that an
 * event pair around a stream's kernels measures exactly their cost, whatever the machine's load.
 *
 * <p>Only events use it: device-side clock reads ({@code %clock}, {@code %globaltimer}) and the
 * device's utilization stay on the system's clocks. Called from any thread; must be thread-safe.
 */
public interface HostClock {
    /** Now, in nanoseconds, as a timing event records it when its stream reaches it. */
    long nanos();

    /** An operation (kernel, copy, memset, event, wait) was queued on a stream of any context. */
    default void workQueued() {}

    /**
     * A queued operation is over (run, failed or skipped after an earlier error), on its stream's
     * thread, before the stream's next operation starts; once per {@link #workQueued}.
     */
    default void workDone() {}

    /**
     * A kernel has run: {@code threadInstructions} thread-instructions (one per active lane per
     * instruction, the same for the same kernel and arguments). Called on its stream's thread
     * after its last block, before {@link #workDone} and before any later work of its stream.
     */
    default void kernelRan(long threadInstructions) {}

    /** {@link System#nanoTime()}, as CUDA's events time real work. */
    HostClock SYSTEM = System::nanoTime;
}
