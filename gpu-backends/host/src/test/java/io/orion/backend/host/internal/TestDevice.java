package io.orion.backend.host.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.KernelParam;

/**
 * A host backend with one small device and a context on it, plus helpers to move arrays and pack
 * kernel arguments. Close it after each test.
 */
final class TestDevice implements AutoCloseable {
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final HostBackend backend;
    final HostContext context;
    final List<String> printed = new ArrayList<>();

    TestDevice() {
        this(256, 2);
    }

    TestDevice(long memoryMiB, int workers) {
        this(memoryMiB, workers, HostClock.SYSTEM);
    }

    TestDevice(long memoryMiB, int workers, HostClock clock) {
        backend = new HostBackend(1, memoryMiB, "Test Host Device", workers, clock);
        context = (HostContext) backend.openContext(backend.devices().get(0).uuid());
        context.printfSink(line -> {
            synchronized (printed) {
                printed.add(line);
            }
        });
    }

    GpuContext ctx() {
        return context;
    }

    /** The directory the samples module compiles the kernels into. */
    static Path kernels() {
        String dir = System.getProperty("orion.samples.kernels");
        Path p = dir != null ? Path.of(dir) : Path.of("../../samples/target/kernels");
        if (!Files.isDirectory(p))
            throw new IllegalStateException("compiled sample kernels not found at " + p.toAbsolutePath()
                    + "; build the samples module first (mvn -pl samples install)");
        return p;
    }

    static byte[] kernelFile(String name) {
        try {
            return Files.readAllBytes(kernels().resolve(name));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A test kernel's PTX from src/test/resources/cuda (see regenerate.sh there). */
    GpuModule loadTestKernels(String name) {
        try (java.io.InputStream in = TestDevice.class.getResourceAsStream("/cuda/" + name + ".ptx")) {
            if (in == null) throw new IllegalStateException("no test kernel " + name + ".ptx");
            return load(in.readAllBytes());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    GpuModule load(byte[] image) {
        return context.loadModule(MemorySegment.ofArray(image));
    }

    GpuModule loadPtx(String ptx) {
        return load(ptx.getBytes(StandardCharsets.UTF_8));
    }

    long upload(int[] data) {
        long p = context.memAlloc(Math.max(4L * data.length, 1));
        context.copyHtoD(p, MemorySegment.ofArray(data), 4L * data.length, null);
        return p;
    }

    long upload(float[] data) {
        long p = context.memAlloc(Math.max(4L * data.length, 1));
        context.copyHtoD(p, MemorySegment.ofArray(data), 4L * data.length, null);
        return p;
    }

    long upload(byte[] data) {
        long p = context.memAlloc(Math.max(data.length, 1));
        context.copyHtoD(p, MemorySegment.ofArray(data), data.length, null);
        return p;
    }

    long upload(long[] data) {
        long p = context.memAlloc(Math.max(8L * data.length, 1));
        context.copyHtoD(p, MemorySegment.ofArray(data), 8L * data.length, null);
        return p;
    }

    long upload(double[] data) {
        long p = context.memAlloc(Math.max(8L * data.length, 1));
        context.copyHtoD(p, MemorySegment.ofArray(data), 8L * data.length, null);
        return p;
    }

    int[] ints(long ptr, int n) {
        int[] out = new int[n];
        context.copyDtoH(MemorySegment.ofArray(out), ptr, 4L * n, null);
        return out;
    }

    float[] floats(long ptr, int n) {
        float[] out = new float[n];
        context.copyDtoH(MemorySegment.ofArray(out), ptr, 4L * n, null);
        return out;
    }

    long[] longs(long ptr, int n) {
        long[] out = new long[n];
        context.copyDtoH(MemorySegment.ofArray(out), ptr, 8L * n, null);
        return out;
    }

    double[] doubles(long ptr, int n) {
        double[] out = new double[n];
        context.copyDtoH(MemorySegment.ofArray(out), ptr, 8L * n, null);
        return out;
    }

    /** Packs arguments into a buffer laid out as the function's parameters: longs, ints, floats, doubles or byte[]. */
    static MemorySegment args(GpuFunction f, Object... values) {
        List<KernelParam> params = f.params();
        if (params.size() != values.length)
            throw new IllegalArgumentException(f.name() + " takes " + params.size() + " parameters, got " + values.length);
        MemorySegment buf = Arena.ofAuto().allocate(Math.max(1, f.paramBufferSize()), 8);
        for (int i = 0; i < values.length; i++) {
            long off = params.get(i).offset();
            switch (values[i]) {
                case Long v -> buf.set(I64, off, v);
                case Integer v -> buf.set(I32, off, v);
                case Float v -> buf.set(F32, off, v);
                case Double v -> buf.set(F64, off, v);
                case byte[] v -> MemorySegment.copy(MemorySegment.ofArray(v), 0, buf, off, v.length);
                default -> throw new IllegalArgumentException("cannot pack " + values[i]);
            }
        }
        return buf;
    }

    @Override
    public void close() {
        context.close();
        backend.deactivate();
    }
}
