package io.orion.backend.cuda.gpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

import io.orion.api.backend.DeviceSymbol;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.FunctionAttributes;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.KernelParam;

/** Modules of each kind, parameter layouts, launches checked against the CPU, globals. */
final class KernelChecks {
    private KernelChecks() {}

    /** The layouts gpu/kernels.cu declares, as cuFuncGetParamInfo must report them: offset/size per parameter. */
    private static final Map<String, String> LAYOUTS = Map.of(
            "orion_empty", "",
            "orion_vec_add", "0/8 8/8 16/8 24/4",
            "orion_saxpy", "0/4 8/8 16/8 24/4",
            "orion_scale", "0/24 24/8",
            "orion_reverse_block", "0/8 8/8 16/4",
            "orion_count", "0/4",
            "orion_table_scale", "0/4",
            "orion_spin", "0/8",
            "orion_write", "0/8 8/4");

    static void all(SuiteRunner r, Fixture f) {
        for (String kind : List.of("PTX", "cubin", "fat binary")) {
            r.check("module: " + kind + " loads, and its vec_add matches the CPU", () -> {
                byte[] image = switch (kind) {
                    case "PTX" -> f.ptx;
                    case "cubin" -> f.cubin;
                    default -> f.fatbin;
                };
                try (GpuContext ctx = f.open()) {
                    GpuModule m = ctx.loadModule(MemorySegment.ofArray(image));
                    vecAdd(f, ctx, m, (1 << 20) + 123);
                    ctx.unloadModule(m);
                }
            });
        }
        r.check("module: parameter layouts from cuFuncGetParamInfo", () -> {
            try (GpuContext ctx = f.open()) {
                GpuModule m = f.load(ctx);
                for (var e : LAYOUTS.entrySet()) {
                    List<KernelParam> params = ctx.function(m, e.getKey()).params();
                    String got = String.join(" ", params.stream().map(p -> p.offset() + "/" + p.size()).toList());
                    Expect.equal(e.getValue(), got, e.getKey() + " layout");
                    for (int i = 0; i < params.size(); i++) Expect.equal(i, params.get(i).index(), e.getKey() + " index");
                }
            }
        });
        r.check("kernel: saxpy, a float before pointers, against the CPU", () -> {
            try (GpuContext ctx = f.open(); Arena arena = Arena.ofConfined()) {
                GpuFunction saxpy = ctx.function(f.load(ctx), "orion_saxpy");
                int n = 3_000_017;
                float a = f.random.nextFloat() * 4 - 2;
                float[] x = f.floats(n), y = f.floats(n);
                long dx = f.upload(ctx, x), dy = f.upload(ctx, y);
                ctx.launch(saxpy, Dim3.of((n + 255) / 256), Dim3.of(256), 0, null,
                        new KernelArgs(saxpy, arena).f32(0, a).ptr(1, dx).ptr(2, dy).i32(3, n).segment());
                float[] got = f.downloadFloats(ctx, dy, n);
                for (int i = 0; i < n; i++) { // nvcc fuses a*x+y into one fma by default; either rounding is right
                    float fused = Math.fma(a, x[i], y[i]), separate = a * x[i] + y[i];
                    if (got[i] != fused && got[i] != separate)
                        throw new Expect.Failure("saxpy [" + i + "]: expected " + fused + " (fma) or " + separate + ", was " + got[i]);
                }
            }
        });
        r.check("kernel: a struct passed by value (orion_scale)", () -> {
            try (GpuContext ctx = f.open(); Arena arena = Arena.ofConfined()) {
                GpuFunction scale = ctx.function(f.load(ctx), "orion_scale");
                int n = 500_003;
                double factor = f.random.nextGaussian();
                double[] in = new double[n];
                for (int i = 0; i < n; i++) in[i] = f.random.nextGaussian() * 1e6;
                long din = ctx.memAlloc(8L * n), dout = ctx.memAlloc(8L * n);
                ctx.copyHtoD(din, MemorySegment.ofArray(in), 8L * n, null);
                KernelArgs args = new KernelArgs(scale, arena).ptr(1, dout);
                MemorySegment p = args.struct(0, 24); // {int n; double scale; const double *in;}
                p.set(JAVA_INT, 0, n);
                p.set(JAVA_DOUBLE, 8, factor);
                p.set(JAVA_LONG, 16, din);
                ctx.launch(scale, Dim3.of((n + 127) / 128), Dim3.of(128), 0, null, args.segment());
                double[] got = new double[n], expect = new double[n];
                ctx.copyDtoH(MemorySegment.ofArray(got), dout, 8L * n, null);
                for (int i = 0; i < n; i++) expect[i] = in[i] * factor;
                Expect.equal(expect, got, "scale");
            }
        });
        r.check("kernel: dynamic shared memory (orion_reverse_block)", () -> {
            try (GpuContext ctx = f.open(); Arena arena = Arena.ofConfined()) {
                GpuFunction reverse = ctx.function(f.load(ctx), "orion_reverse_block");
                int n = 1_000_003, block = 512;
                int[] in = new int[n];
                for (int i = 0; i < n; i++) in[i] = f.random.nextInt();
                long din = ctx.memAlloc(4L * n), dout = ctx.memAlloc(4L * n);
                ctx.copyHtoD(din, MemorySegment.ofArray(in), 4L * n, null);
                ctx.launch(reverse, Dim3.of((n + block - 1) / block), Dim3.of(block), 4 * block, null,
                        new KernelArgs(reverse, arena).ptr(0, din).ptr(1, dout).i32(2, n).segment());
                int[] got = new int[n], expect = new int[n];
                ctx.copyDtoH(MemorySegment.ofArray(got), dout, 4L * n, null);
                for (int base = 0; base < n; base += block) {
                    int count = Math.min(block, n - base);
                    for (int t = 0; t < count; t++) expect[base + t] = in[base + count - 1 - t];
                }
                Expect.equal(expect, got, "reversed blocks");
            }
        });
        r.check("kernel: module globals, written by atomics and by copies", () -> {
            try (GpuContext ctx = f.open(); Arena arena = Arena.ofConfined()) {
                GpuModule m = f.load(ctx);
                DeviceSymbol counter = ctx.global(m, "orion_counter"), table = ctx.global(m, "orion_table");
                Expect.equal(4, counter.size(), "orion_counter size");
                Expect.equal(256, table.size(), "orion_table size");
                ctx.memsetD8(counter.address(), 0, 4, null);
                GpuFunction count = ctx.function(m, "orion_count");
                int n = 1_234_567;
                ctx.launch(count, Dim3.of((n + 1023) / 1024), Dim3.of(1024), 0, null, new KernelArgs(count, arena).i32(0, n).segment());
                int[] c = new int[1];
                ctx.copyDtoH(MemorySegment.ofArray(c), counter.address(), 4, null);
                Expect.equal(n, c[0], "atomic count");
                float[] values = f.floats(64);
                float factor = f.random.nextFloat() * 3;
                ctx.copyHtoD(table.address(), MemorySegment.ofArray(values), 256, null);
                GpuFunction scale = ctx.function(m, "orion_table_scale");
                ctx.launch(scale, Dim3.of(1), Dim3.of(64), 0, null, new KernelArgs(scale, arena).f32(0, factor).segment());
                float[] got = new float[64], expect = new float[64];
                ctx.copyDtoH(MemorySegment.ofArray(got), table.address(), 256, null);
                for (int i = 0; i < 64; i++) expect[i] = values[i] * factor;
                Expect.close(expect, got, 0, "orion_table scaled");
            }
        });
        r.check("kernel: attributes and occupancy", () -> {
            try (GpuContext ctx = f.open()) {
                GpuFunction vecAdd = ctx.function(f.load(ctx), "orion_vec_add");
                FunctionAttributes a = ctx.attributes(vecAdd);
                Expect.that(a.maxThreadsPerBlock() >= 256 && a.maxThreadsPerBlock() <= 1024, "max threads " + a.maxThreadsPerBlock());
                Expect.that(a.numRegs() > 0 && a.numRegs() <= 255, "registers " + a.numRegs());
                Expect.equal(f.device.ccMajor() * 10 + f.device.ccMinor(), a.binaryVersion(), "binary version");
                Expect.that(a.ptxVersion() >= 50, "ptx version " + a.ptxVersion());
                int blocks = ctx.maxActiveBlocksPerMultiprocessor(vecAdd, 256, 0);
                Expect.that(blocks >= 1 && blocks <= 32, "resident blocks of 256 threads: " + blocks);
                Expect.that(ctx.maxActiveBlocksPerMultiprocessor(vecAdd, 1024, 0) <= blocks, "fewer big blocks fit");
            }
        });
    }

    static void vecAdd(Fixture f, GpuContext ctx, GpuModule m, int n) {
        GpuFunction add = ctx.function(m, "orion_vec_add");
        float[] a = f.floats(n), b = f.floats(n);
        long da = f.upload(ctx, a), db = f.upload(ctx, b), dc = ctx.memAlloc(4L * n);
        try (Arena arena = Arena.ofConfined()) {
            ctx.launch(add, Dim3.of((n + 255) / 256), Dim3.of(256), 0, null,
                    new KernelArgs(add, arena).ptr(0, da).ptr(1, db).ptr(2, dc).i32(3, n).segment());
        }
        float[] expect = new float[n];
        for (int i = 0; i < n; i++) expect[i] = a[i] + b[i];
        Expect.close(expect, f.downloadFloats(ctx, dc, n), 0, "vec_add");
        ctx.memFree(da);
        ctx.memFree(db);
        ctx.memFree(dc);
    }
}
