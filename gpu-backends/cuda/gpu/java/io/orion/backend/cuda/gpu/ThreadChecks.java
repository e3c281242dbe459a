package io.orion.backend.cuda.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.GpuStream;

/** Many sessions on few threads, and many threads on one session, all checked against the CPU. */
final class ThreadChecks {
    private ThreadChecks() {}

    static void all(SuiteRunner r, Fixture f) {
        r.check("threads: 8 threads, each with its own context", () -> {
            List<GpuContext> contexts = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) contexts.add(f.open());
                run(8, contexts.stream().map(ctx -> (Task) rnd -> {
                    GpuModule m = f.load(ctx);
                    for (int i = 0; i < 10; i++) vecAddOn(ctx, m, null, 100_000 + rnd.nextInt(1000), rnd);
                }).toList());
            } finally {
                contexts.forEach(GpuContext::close);
            }
        });
        r.check("threads: 8 threads sharing one context, each on its own stream", () -> {
            try (GpuContext ctx = f.open()) {
                GpuModule m = f.load(ctx);
                List<Task> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) tasks.add(rnd -> {
                    GpuStream s = ctx.createStream(true, 0);
                    for (int i = 0; i < 10; i++) vecAddOn(ctx, m, s, 100_000 + rnd.nextInt(1000), rnd);
                    ctx.destroyStream(s);
                });
                run(8, tasks);
            }
        });
        r.check("threads: 2 pooled threads serve 6 sessions in turn", () -> {
            List<GpuContext> contexts = new ArrayList<>();
            List<GpuModule> modules = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    contexts.add(f.open());
                    modules.add(f.load(contexts.getLast()));
                }
                List<Task> tasks = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    int k = i % 6;
                    tasks.add(rnd -> vecAddOn(contexts.get(k), modules.get(k), null, 10_000 + rnd.nextInt(100), rnd));
                }
                run(2, tasks);
            } finally {
                contexts.forEach(GpuContext::close);
            }
        });
    }

    interface Task {
        void run(Random random) throws Exception;
    }

    private static void run(int threads, List<Task> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            long seed = new Random().nextLong();
            for (int i = 0; i < tasks.size(); i++) {
                Task t = tasks.get(i);
                Random rnd = new Random(seed + i);
                done.add(pool.submit(() -> {
                    t.run(rnd);
                    return null;
                }));
            }
            for (Future<?> d : done) d.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    /** vec_add on a stream (or the default one) with its own buffers, checked against the CPU. */
    static void vecAddOn(GpuContext ctx, GpuModule m, GpuStream s, int n, Random rnd) {
        GpuFunction add = ctx.function(m, "orion_vec_add");
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextFloat();
            b[i] = rnd.nextFloat();
        }
        long da = ctx.memAlloc(4L * n), db = ctx.memAlloc(4L * n), dc = ctx.memAlloc(4L * n);
        try (Arena arena = Arena.ofConfined()) {
            ctx.copyHtoD(da, MemorySegment.ofArray(a), 4L * n, s);
            ctx.copyHtoD(db, MemorySegment.ofArray(b), 4L * n, s);
            ctx.launch(add, Dim3.of((n + 255) / 256), Dim3.of(256), 0, s,
                    new KernelArgs(add, arena).ptr(0, da).ptr(1, db).ptr(2, dc).i32(3, n).segment());
            float[] c = new float[n];
            ctx.copyDtoH(MemorySegment.ofArray(c), dc, 4L * n, s);
            float[] expect = new float[n];
            for (int i = 0; i < n; i++) expect[i] = a[i] + b[i];
            Expect.close(expect, c, 0, "vec_add of " + n + " on " + Thread.currentThread().getName());
        } finally {
            ctx.memFree(da);
            ctx.memFree(db);
            ctx.memFree(dc);
        }
    }
}
