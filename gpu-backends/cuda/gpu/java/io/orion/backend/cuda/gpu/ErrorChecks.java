package io.orion.backend.cuda.gpu;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;

/** Error paths: each comes back typed, with CUDA's code, and leaves the context usable. */
final class ErrorChecks {
    private ErrorChecks() {}

    private static final int INVALID_VALUE = CudaError.INVALID_VALUE.code();

    static void all(SuiteRunner r, Fixture f) {
        r.check("error: out of memory", () -> {
            try (GpuContext ctx = f.open()) {
                GpuException e = Expect.error(CudaError.OUT_OF_MEMORY.code(),
                        () -> ctx.memAlloc(2 * f.device.totalMemoryBytes()), "allocating twice the GPU's memory");
                Expect.that(e.getMessage().contains("cuMemAlloc"), "message names the call: " + e.getMessage());
                KernelChecks.vecAdd(f, ctx, f.load(ctx), 1000);
            }
        });
        r.check("error: bad launch configurations", () -> {
            try (GpuContext ctx = f.open()) {
                GpuModule m = f.load(ctx);
                GpuFunction empty = ctx.function(m, "orion_empty");
                Set<Integer> bad = Set.of(INVALID_VALUE, CudaError.LAUNCH_OUT_OF_RESOURCES.code());
                GpuException e = Expect.error(bad, () -> ctx.launch(empty, Dim3.of(1), Dim3.of(2048), 0, null, null), "2048 threads per block");
                r.note("2048 threads per block: " + e.error().name());
                e = Expect.error(bad, () -> ctx.launch(empty, Dim3.of(1), new Dim3(32, 32, 2), 0, null, null), "32x32x2 threads");
                e = Expect.error(bad, () -> ctx.launch(empty, new Dim3(1, 1 << 20, 1), Dim3.of(1), 0, null, null), "grid y of 2^20");
                e = Expect.error(bad, () -> ctx.launch(empty, Dim3.of(1), Dim3.of(32), 4 << 20, null, null), "4 MiB of shared memory");
                r.note("4 MiB of dynamic shared memory: " + e.error().name());
                GpuFunction add = ctx.function(m, "orion_vec_add");
                Expect.error(INVALID_VALUE, () -> ctx.launch(add, Dim3.of(1), Dim3.of(1), 0, null, MemorySegment.ofArray(new byte[27])),
                        "27 bytes of arguments for a 28-byte layout");
                KernelChecks.vecAdd(f, ctx, m, 1000); // none of that broke the context
            }
        });
        r.check("error: use after free and double free", () -> {
            try (GpuContext ctx = f.open()) {
                long p = ctx.memAlloc(1 << 20);
                ctx.memFree(p);
                Expect.error(INVALID_VALUE, () -> ctx.memFree(p), "double free");
                Expect.error(INVALID_VALUE, () -> ctx.copyHtoD(p, MemorySegment.ofArray(new byte[64]), 64, null), "copy to freed memory");
                Expect.error(INVALID_VALUE, () -> ctx.copyDtoH(MemorySegment.ofArray(new byte[64]), p, 64, null), "copy from freed memory");
                Expect.error(INVALID_VALUE, () -> ctx.memsetD8(p, 0, 64, null), "memset of freed memory");
                long q = ctx.memAlloc(64);
                Expect.error(INVALID_VALUE, () -> ctx.copyDtoD(q, q, 65, null), "copy past the end");
                KernelChecks.vecAdd(f, ctx, f.load(ctx), 1000);
            }
        });
        r.check("error: modules: garbage, PTX that does not compile, missing symbols", () -> {
            try (GpuContext ctx = f.open()) {
                Expect.error(CudaError.INVALID_IMAGE.code(), () -> ctx.loadModule(MemorySegment.ofArray(f.bytes(4096))), "random bytes");
                GpuException jit = Expect.error(CudaError.INVALID_PTX.code(),
                        () -> ctx.loadModule(MemorySegment.ofArray(badPtx(f).getBytes(StandardCharsets.US_ASCII))), "bad PTX");
                Expect.that(jit.getMessage().contains("JIT log: "), "the JIT's log is in the message: " + jit.getMessage());
                r.note("bad PTX: " + jit.getMessage());
                GpuModule m = f.load(ctx);
                Expect.error(CudaError.NOT_FOUND.code(), () -> ctx.function(m, "orion_no_such_kernel"), "unknown kernel");
                Expect.error(CudaError.NOT_FOUND.code(), () -> ctx.global(m, "orion_no_such_global"), "unknown global");
                ctx.unloadModule(m);
                Expect.error(CudaError.INVALID_HANDLE.code(), () -> ctx.function(m, "orion_empty"), "a function of an unloaded module");
            }
        });
        r.check("error: events without timing, foreign handles, closed contexts, unknown GPUs", () -> {
            GpuContext other = f.open();
            try (GpuContext ctx = f.open()) {
                GpuEvent a = ctx.createEvent(false, false), b = ctx.createEvent(true, false);
                ctx.record(a, null);
                ctx.record(b, null);
                ctx.synchronize();
                Expect.error(CudaError.INVALID_HANDLE.code(), () -> ctx.elapsedMillis(a, b), "timing an event made without timing");
                Expect.error(CudaError.INVALID_HANDLE.code(), () -> ctx.synchronize(other.createStream(true, 0)), "another context's stream");
                Expect.error(CudaError.INVALID_HANDLE.code(), () -> ctx.launch(other.function(f.load(other), "orion_empty"),
                        Dim3.of(1), Dim3.of(1), 0, null, null), "another context's kernel");
            }
            other.close();
            Expect.error(CudaError.INVALID_CONTEXT.code(), () -> other.memAlloc(64), "a closed context");
            Expect.error(CudaError.INVALID_DEVICE.code(), () -> f.backend.openContext("GPU-00000000-0000-0000-0000-000000000000"), "unknown GPU");
        });
    }

    /** Text that is PTX by its header but does not compile (the fake driver knows the marker too). */
    static String badPtx(Fixture f) {
        String text = new String(f.ptx, StandardCharsets.US_ASCII);
        String version = text.lines().filter(l -> l.startsWith(".version")).findFirst().orElse(".version 8.0");
        String target = text.lines().filter(l -> l.startsWith(".target")).findFirst().orElse(".target sm_90");
        return version + "\n" + target + "\n.address_size 64\n\n.visible .entry orion_bad()\n{\n\torion_syntax_error;\n}\n";
    }
}
