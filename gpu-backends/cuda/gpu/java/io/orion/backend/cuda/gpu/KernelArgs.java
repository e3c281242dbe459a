package io.orion.backend.cuda.gpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.KernelParam;

/**
 * Packs a launch's arguments where {@link GpuFunction#params()} says each one lives, checking
 * that each value has its parameter's size: what the server does with a client's arguments.
 */
final class KernelArgs {
    private final GpuFunction function;
    private final MemorySegment buffer;

    KernelArgs(GpuFunction function, Arena arena) {
        this.function = function;
        this.buffer = arena.allocate(Math.max(1, function.paramBufferSize()), 16);
    }

    private KernelParam param(int index, long size) {
        KernelParam p = function.params().get(index);
        Expect.equal(p.size(), size, function.name() + " parameter " + index + " size");
        return p;
    }

    KernelArgs ptr(int index, long devicePtr) {
        buffer.set(JAVA_LONG, param(index, 8).offset(), devicePtr);
        return this;
    }

    KernelArgs u64(int index, long value) {
        return ptr(index, value);
    }

    KernelArgs i32(int index, int value) {
        buffer.set(JAVA_INT, param(index, 4).offset(), value);
        return this;
    }

    KernelArgs f32(int index, float value) {
        buffer.set(JAVA_FLOAT, param(index, 4).offset(), value);
        return this;
    }

    /** Raw bytes of a by-value struct parameter, written field by field by the caller. */
    MemorySegment struct(int index, long size) {
        return buffer.asSlice(param(index, size).offset(), size);
    }

    static void putDouble(MemorySegment struct, long offset, double v) {
        struct.set(JAVA_DOUBLE, offset, v);
    }

    MemorySegment segment() {
        return buffer;
    }
}
