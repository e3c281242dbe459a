package io.orion.backend.cuda.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.orion.backend.cuda.internal.ffi.CudaDriver;

/**
 * The benchmarks' baseline inside the JVM: bench.c's driver calls made straight through the
 * generated FFM binding, with none of the backend's work around them. It works in the context the
 * backend left current on this thread, on the same memory, so that "backend − bare FFM" is the
 * backend's own cost and "bare FFM − C" is what the JVM and FFM cost.
 */
final class BareDriver implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment out = arena.allocate(ADDRESS);
    private final MemorySegment module;
    private final MemorySegment empty;

    /** Loads {@code cubin} as bench.c does ({@code cuModuleLoadDataEx}, no options) and finds orion_empty. */
    BareDriver(byte[] cubin) {
        check(CudaDriver.cuCtxGetCurrent(out), "cuCtxGetCurrent");
        if (out.get(ADDRESS, 0).equals(MemorySegment.NULL))
            throw new IllegalStateException("no context is current: use the backend's context on this thread first");
        MemorySegment image = arena.allocate(cubin.length + 1L, 16);
        MemorySegment.copy(MemorySegment.ofArray(cubin), 0, image, 0, cubin.length);
        check(CudaDriver.cuModuleLoadDataEx(out, image, 0, MemorySegment.NULL, MemorySegment.NULL), "cuModuleLoadDataEx");
        module = out.get(ADDRESS, 0);
        empty = function("orion_empty");
    }

    MemorySegment function(String name) {
        check(CudaDriver.cuModuleGetFunction(out, module, arena.allocateFrom(name)), "cuModuleGetFunction");
        return out.get(ADDRESS, 0);
    }

    /** A stream of this context ({@code cuStreamCreate}, flags 0); the context's destruction frees it. */
    MemorySegment stream() {
        check(CudaDriver.cuStreamCreateWithPriority(out, 0, 0), "cuStreamCreateWithPriority");
        return out.get(ADDRESS, 0);
    }

    /** orion_empty's CUfunction, for bench.c's loops run in the JVM ({@link CLoops}). */
    MemorySegment emptyFunction() {
        return empty;
    }

    /** bench.c's launch: grid 1, block 32, no shared memory, the legacy stream, no parameters. */
    void launchEmpty() {
        launch(empty, MemorySegment.NULL);
    }

    /** {@code f} on grid 1, block 32, the legacy stream, with a ready {@code void**} kernelParams. */
    void launch(MemorySegment f, MemorySegment kernelParams) {
        check(CudaDriver.cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, MemorySegment.NULL, kernelParams, MemorySegment.NULL),
                "cuLaunchKernel");
    }

    void synchronize() {
        check(CudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    void copyHtoD(long device, MemorySegment host, long bytes) {
        check(CudaDriver.cuMemcpyHtoD_v2(device, host, bytes), "cuMemcpyHtoD");
    }

    void copyHtoDAsync(long device, MemorySegment host, long bytes, MemorySegment stream) {
        check(CudaDriver.cuMemcpyHtoDAsync_v2(device, host, bytes, stream), "cuMemcpyHtoDAsync");
    }

    void copyDtoH(MemorySegment host, long device, long bytes) {
        check(CudaDriver.cuMemcpyDtoH_v2(host, device, bytes), "cuMemcpyDtoH");
    }

    void memsetD8(long device, int value, long bytes) {
        check(CudaDriver.cuMemsetD8_v2(device, (byte) value, bytes), "cuMemsetD8");
    }

    @Override
    public void close() {
        try {
            check(CudaDriver.cuModuleUnload(module), "cuModuleUnload");
        } finally {
            arena.close();
        }
    }

    /** The context current on this thread: after a backend call, that call's context (the backend leaves it current). */
    static MemorySegment currentContext() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment slot = a.allocate(ADDRESS);
            check(CudaDriver.cuCtxGetCurrent(slot), "cuCtxGetCurrent");
            return slot.get(ADDRESS, 0);
        }
    }

    /**
     * Asks the driver itself, past the backend, whether {@code context} still works: a 64-byte
     * memset at {@code device} and a synchronize there. Puts back whatever was current, so the
     * backend's note of this thread's context stays true. Returns the first failing CUresult, or 0.
     */
    static int probe(MemorySegment context, long device) {
        MemorySegment before = currentContext();
        check(CudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        try {
            int rc = CudaDriver.cuMemsetD8_v2(device, (byte) 0, 64);
            return rc != 0 ? rc : CudaDriver.cuCtxSynchronize();
        } finally {
            check(CudaDriver.cuCtxSetCurrent(before), "cuCtxSetCurrent");
        }
    }

    /** As bench.c's CHECK: a constant text, so the hot path builds no string. */
    private static void check(int rc, String call) {
        if (rc != 0) throw new IllegalStateException(call + " failed with CUresult " + rc);
    }
}
