package io.orion.backend.cuda.internal.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One thread's native scratch memory and its note of the current context. Out-parameters of driver
 * calls and the kernel argument copy of a launch live here, so that the hot paths allocate nothing
 * and need no lock.
 *
 * <p>The memory comes from automatic arenas, kept in fields, and goes with the thread: the
 * Scratch lives as long as its thread, because a static ThreadLocal holds it. Calls use global
 * views of that memory ({@link #view}): an automatic arena's segment would make every access and
 * every downcall that passes it check and count its arena atomically.
 */
public final class Scratch {
    private static final int OUT_SLOTS = 8;
    private static final long FIRST_ARGS_BYTES = 1024;
    private static final int FIRST_POINTERS = 64;

    /** The owners of the memory; never read, only kept reachable. */
    private final MemorySegment outOwner = Arena.ofAuto().allocate(OUT_SLOTS * 8L, 16);
    private MemorySegment argsOwner = Arena.ofAuto().allocate(FIRST_ARGS_BYTES, 16);
    private MemorySegment pointersOwner = Arena.ofAuto().allocate(FIRST_POINTERS * ValueLayout.ADDRESS.byteSize(), 16);

    /** The whole out-parameter area, and each 8-byte slot of it sliced once, not per call. */
    private final MemorySegment out = view(outOwner);
    private final MemorySegment[] slots = new MemorySegment[OUT_SLOTS];
    private MemorySegment args = view(argsOwner);
    private MemorySegment pointers = view(pointersOwner);

    /**
     * Token ({@link Driver#newContextToken}) of the context this thread last made current through
     * any {@link Driver} of this bundle; 0 when unknown. Only this thread reads or writes it.
     */
    long current;

    Scratch() {
        for (int i = 0; i < OUT_SLOTS; i++) slots[i] = out.asSlice(8L * i, 8);
    }

    /** True when the context with this token is current on this thread, as far as the backend knows. */
    public boolean isCurrent(long token) {
        return current == token;
    }

    /** Out-parameter slot {@code i} (0..7), 8 bytes, 8-aligned. */
    public MemorySegment out(int i) {
        return slots[i];
    }

    /** The whole out-parameter area, for calls that return strings or small structs (64 bytes). */
    public MemorySegment outArea() {
        return out;
    }

    /** A 16-aligned buffer of at least {@code bytes} for a launch's argument copy. */
    public MemorySegment args(long bytes) {
        if (bytes > args.byteSize()) {
            argsOwner = Arena.ofAuto().allocate(Math.max(bytes, 2 * args.byteSize()), 16);
            args = view(argsOwner);
        }
        return args;
    }

    /** Room for {@code count} pointers, the {@code void**} kernelParams of a launch. */
    public MemorySegment pointers(int count) {
        long bytes = count * ValueLayout.ADDRESS.byteSize();
        if (bytes > pointers.byteSize()) {
            pointersOwner = Arena.ofAuto().allocate(Math.max(bytes, 2 * pointers.byteSize()), 16);
            pointers = view(pointersOwner);
        }
        return pointers;
    }

    /**
     * The same memory in the global scope. Safe only because this Scratch keeps the owner
     * reachable, and a grown buffer's old view is never used again: the owner is replaced only
     * in {@link #args} and {@link #pointers}, by this thread, which returns the new view.
     */
    private static MemorySegment view(MemorySegment owner) {
        return MemorySegment.ofAddress(owner.address()).reinterpret(owner.byteSize());
    }
}
