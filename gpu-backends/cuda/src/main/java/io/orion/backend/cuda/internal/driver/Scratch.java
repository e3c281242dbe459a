package io.orion.backend.cuda.internal.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One thread's native scratch memory: out-parameters of driver calls and the kernel argument
 * copy of a launch. Kept per thread so that the hot paths allocate nothing and need no lock; the
 * memory comes from automatic arenas and goes with the thread.
 */
public final class Scratch {
    private static final long OUT_BYTES = 64;
    private static final long FIRST_ARGS_BYTES = 1024;
    private static final int FIRST_POINTERS = 64;

    /** Eight 8-byte slots for out-parameters ({@link #out(int)}). */
    private final MemorySegment out = Arena.ofAuto().allocate(OUT_BYTES, 16);
    private MemorySegment args = Arena.ofAuto().allocate(FIRST_ARGS_BYTES, 16);
    private MemorySegment pointers = Arena.ofAuto().allocate(FIRST_POINTERS * ValueLayout.ADDRESS.byteSize(), 16);

    /** Serial of the context this thread last made current through the owning {@link Driver}; 0 for none. */
    long currentSerial;

    /** Out-parameter slot {@code i} (0..7), 8 bytes, 8-aligned. */
    public MemorySegment out(int i) {
        return out.asSlice(8L * i, 8);
    }

    /** The whole out-parameter area, for calls that return strings or small structs (64 bytes). */
    public MemorySegment outArea() {
        return out;
    }

    /** A 16-aligned buffer of at least {@code bytes} for a launch's argument copy. */
    public MemorySegment args(long bytes) {
        if (bytes > args.byteSize()) args = Arena.ofAuto().allocate(Math.max(bytes, 2 * args.byteSize()), 16);
        return args;
    }

    /** Room for {@code count} pointers, the {@code void**} kernelParams of a launch. */
    public MemorySegment pointers(int count) {
        long bytes = count * ValueLayout.ADDRESS.byteSize();
        if (bytes > pointers.byteSize()) pointers = Arena.ofAuto().allocate(Math.max(bytes, 2 * pointers.byteSize()), 16);
        return pointers;
    }
}
