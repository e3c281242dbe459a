package io.orion.backend.cuda.gpu;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.backend.cuda.internal.CudaBackend;

/** What every check works with: the backend, the GPU under test, the compiled kernels, fresh random data. */
final class Fixture {
    final CudaBackend backend;
    final GpuDevice device;
    final Random random;
    final long seed;
    final byte[] ptx, cubin, fatbin;

    Fixture(CudaBackend backend, Path kernels, long seed) throws IOException {
        this.backend = backend;
        this.device = backend.devices().getFirst();
        this.seed = seed;
        this.random = new Random(seed);
        this.ptx = Files.readAllBytes(kernels.resolve("kernels.ptx"));
        this.cubin = Files.readAllBytes(kernels.resolve("kernels.cubin"));
        this.fatbin = Files.readAllBytes(kernels.resolve("kernels.fatbin"));
    }

    GpuContext open() {
        return backend.openContext(device.uuid());
    }

    /** The kernels as a fat binary (the form CUDA programs register). */
    GpuModule load(GpuContext ctx) {
        return ctx.loadModule(MemorySegment.ofArray(fatbin));
    }

    GpuFunction kernel(GpuContext ctx, GpuModule m, String name) {
        return ctx.function(m, name);
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    float[] floats(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (random.nextFloat() - 0.5f) * 200;
        return f;
    }

    long upload(GpuContext ctx, float[] data) {
        long p = ctx.memAlloc(4L * data.length);
        ctx.copyHtoD(p, MemorySegment.ofArray(data), 4L * data.length, null);
        return p;
    }

    float[] downloadFloats(GpuContext ctx, long p, int n) {
        float[] f = new float[n];
        ctx.copyDtoH(MemorySegment.ofArray(f), p, 4L * n, null);
        return f;
    }

    /** Nanoseconds as the orion_spin argument. */
    static MemorySegment spinArgs(long millis) {
        MemorySegment s = MemorySegment.ofArray(new long[1]);
        s.set(JAVA_LONG, 0, millis * 1_000_000);
        return s;
    }
}
